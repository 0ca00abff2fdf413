// Crash safety of `bot dev` under load: kill -9 each service in turn, then the supervisor itself (and start
// `bot dev` again on the same project). Every accepted message must get exactly one action effect, counted in
// the ops template's own table (`status_changes` in `.bot/ops.sqlite`, keyed by the input id): none lost,
// none doubled, none for an id that was never accepted, and no process left behind. And exactly one recorded
// action run per message in the executor's ledger (its spans): a run killed between the action's commit and the
// ledger's records nothing and is run again, which the action's key on ctx.idempotencyKey absorbs; a duplicate
// delivery that the ledger failed to catch would record two.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../src/dev/free-port.ts';
import { runBot } from './helpers/cli.ts';
import { type DevRun, startDev } from './helpers/dev.ts';
import { isAlive } from './helpers/processes.ts';

const SERVICES = ['nlp', 'executor', 'receiver', 'gateway'] as const;
const PROJECTS = ['Apollo', 'Gemini', 'Mercury', 'Voyager', 'Hubble', 'Artemis', 'Orion'];
const STATUSES = ['done', 'blocked', 'in progress', 'to do'];
/** Load: about 40 messages a second, never more than this many in all. */
const RATE_PER_S = 40;
const MAX_MESSAGES = 1200;
/** How long one message is retried (same idempotency key) before the test gives up on it. */
const ACCEPT_DEADLINE_MS = 30_000;

interface DevState {
  pid: number;
  services: { name: string; pid?: number; state: string; restarts: number }[];
}

/** `.bot/dev.json`, or undefined while it is missing or half-written. */
function readDevState(root: string): DevState | undefined {
  try {
    return JSON.parse(readFileSync(path.join(root, '.bot/dev.json'), 'utf8')) as DevState;
  } catch {
    return undefined;
  }
}

/** Live (not zombie) processes whose command line names the project folder: every service of either run. */
function projectProcesses(root: string): string[] {
  const lines = execFileSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' }).split('\n');
  return lines.filter((line) => line.includes(root) && !/^\s*\d+\s+Z/.test(line)).map((line) => line.trim());
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined | false, context: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not after ${timeoutMs} ms\n${context()}`);
    await sleep(100);
  }
}

interface Delivery {
  key: string;
  text: string;
  id?: string;
  attempts: number;
  error?: string;
}

/** POSTs one message, retrying it with the same idempotency key on connection errors, 5xx, 409 and 429. */
async function deliver(port: number, delivery: Delivery): Promise<void> {
  const deadline = Date.now() + ACCEPT_DEADLINE_MS;
  let last = '';
  while (Date.now() < deadline) {
    delivery.attempts++;
    try {
      const response = await fetch(`http://127.0.0.1:${port}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: 'load', text: delivery.text, idempotencyKey: delivery.key }),
        signal: AbortSignal.timeout(5000),
      });
      const body = (await response.json().catch(() => undefined)) as { id?: string } | undefined;
      if (response.status === 202 && body?.id) {
        delivery.id = body.id;
        return;
      }
      last = `HTTP ${response.status} ${JSON.stringify(body)}`;
      if (response.status < 500 && response.status !== 409 && response.status !== 429) break;
    } catch (error) {
      last = String((error as { cause?: { code?: string } }).cause?.code ?? error);
    }
    await sleep(Math.min(500, 50 * delivery.attempts));
  }
  delivery.error = `not accepted after ${delivery.attempts} attempts: ${last}`;
}

/** A steady load of update_status messages, each with its own idempotency key, until stopped. */
function startLoad(port: number) {
  const deliveries: Delivery[] = [];
  const tasks: Promise<void>[] = [];
  let stopped = false;
  let inFlight = 0;
  const done = (async () => {
    const start = Date.now();
    for (let i = 0; i < MAX_MESSAGES && !stopped; i++) {
      await sleep(Math.max(0, start + (i * 1000) / RATE_PER_S - Date.now()));
      while (inFlight >= 64 && !stopped) await sleep(20);
      if (stopped) break;
      const delivery: Delivery = {
        key: `load-${i}`,
        text: `move ${PROJECTS[i % PROJECTS.length]} to ${STATUSES[Math.floor(i / PROJECTS.length) % STATUSES.length]}`,
        attempts: 0,
      };
      deliveries.push(delivery);
      inFlight++;
      tasks.push(deliver(port, delivery).finally(() => inFlight--));
    }
    await Promise.all(tasks);
  })();
  return {
    deliveries,
    accepted: () => deliveries.filter((d) => d.id).length,
    stop: () => {
      stopped = true;
      return done;
    },
  };
}

/** Rows of status_changes per idempotency key (the input id). */
function effectsByKey(root: string): Map<string | null, number> {
  let db: Database.Database | undefined;
  try {
    db = new Database(path.join(root, '.bot/ops.sqlite'), { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    const rows = db.prepare('SELECT idempotency_key AS key, count(*) AS n FROM status_changes GROUP BY idempotency_key').all() as {
      key: string | null;
      n: number;
    }[];
    return new Map(rows.map((r) => [r.key, r.n]));
  } catch {
    return new Map();
  } finally {
    db?.close();
  }
}

/** How many runs of an action the executor recorded (its `action …` spans) per input id. */
function recordedRunsById(root: string): Map<string, number> {
  const db = new Database(path.join(root, '.bot/state.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `SELECT m.id AS id, count(*) AS n FROM store_messages m JOIN store_spans s ON s.trace_id = m.trace_id
         WHERE json_extract(s.span, '$.service') = 'executor' GROUP BY m.id`,
      )
      .all() as { id: string; n: number }[];
    return new Map(rows.map((r) => [r.id, r.n]));
  } finally {
    db.close();
  }
}

/** Accepted inputs that the store does not show as a completed update_status, as `id status intent`. */
function notCompleted(root: string, ids: Iterable<string>): string[] {
  const db = new Database(path.join(root, '.bot/state.db'), { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const get = db.prepare('SELECT status, intent FROM store_messages WHERE id = ?');
    const out: string[] = [];
    for (const id of ids) {
      const row = get.get(id) as { status: string; intent: string | null } | undefined;
      if (row?.status !== 'completed' || row.intent !== 'update_status') out.push(`${id} ${row?.status} ${row?.intent}`);
    }
    return out;
  } finally {
    db.close();
  }
}

const cleanup: { runs: DevRun[]; roots: string[]; loads: (() => Promise<void>)[] } = { runs: [], roots: [], loads: [] };
afterAll(async () => {
  // RELIABILITY_LOG=<file>: keep both runs' output for a post-mortem.
  if (process.env.RELIABILITY_LOG) writeFileSync(process.env.RELIABILITY_LOG, cleanup.runs.map((r) => r.output()).join('\n===== bot dev again =====\n'));
  for (const run of cleanup.runs) run.child.kill('SIGKILL');
  // A failed test leaves its load retrying against a dead port: stop it (its retries end at their deadline).
  for (const stop of cleanup.loads) void stop();
  for (const root of cleanup.roots) {
    for (const line of projectProcesses(root)) {
      try {
        process.kill(Number(line.split(/\s+/)[0]), 'SIGKILL');
      } catch {}
    }
    await rm(path.dirname(root), { recursive: true, force: true });
  }
});

describe('bot dev under kill -9', () => {
  it('gives every accepted message exactly one action effect while services and the supervisor are killed', { timeout: 120_000 }, async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'inputbot-reliability-'));
    const root = path.join(parent, 'ops');
    cleanup.roots.push(root);
    expect((await runBot(['init', root, '--yes', '--template', 'ops'])).exitCode).toBe(0);
    const port = await findFreePort();

    let dev = startDev(root, port);
    cleanup.runs.push(dev);
    const log = () => dev.output().slice(-4000);
    await waitFor('bot dev is running', 30_000, () => dev.output().includes('is running'), log);
    const firstSupervisor = dev.child.pid as number;

    const load = startLoad(port);
    cleanup.loads.push(load.stop);
    await waitFor('the first messages are accepted', 15_000, () => load.accepted() >= 20, log);

    // Each service in turn: kill -9, then wait until the supervisor has a new one ready.
    for (const name of SERVICES) {
      const before = await waitFor(`${name} in dev.json`, 10_000, () =>
        readDevState(root)?.services.find((s) => s.name === name && s.pid && s.state === 'ready'),
      );
      const oldPid = before.pid as number;
      const acceptedBefore = load.accepted();
      process.kill(oldPid, 'SIGKILL');
      await waitFor(
        `${name} (pid ${oldPid}) restarted`,
        30_000,
        () => readDevState(root)?.services.some((s) => s.name === name && s.pid && s.pid !== oldPid && s.state === 'ready'),
        log,
      );
      expect(dev.output()).toContain(`${name} killed by SIGKILL; restarting`);
      expect(isAlive(oldPid)).toBe(false);
      // Let the load go on against the new process for a while before the next kill.
      const restartedAt = Date.now();
      await waitFor(`messages accepted after ${name} restarted`, 30_000, () => load.accepted() >= acceptedBefore + 40 && Date.now() - restartedAt >= 1500, log);
    }

    // The supervisor itself: its children notice the closed IPC channel and exit on their own.
    const children = (readDevState(root)?.services ?? []).map((s) => s.pid as number);
    expect(children).toHaveLength(4);
    dev.child.kill('SIGKILL');
    await dev.exited;
    await waitFor(
      'the first run’s services exit after the supervisor was killed',
      15_000,
      () => projectProcesses(root).length === 0,
      () => `still running:\n${projectProcesses(root).join('\n')}`,
    );
    expect(children.filter(isAlive)).toEqual([]);

    // bot dev again, on the same project and port; the load (retrying meanwhile) goes on a little more.
    dev = startDev(root, port);
    cleanup.runs.push(dev);
    await waitFor('bot dev is running again', 30_000, () => dev.output().includes('is running'), log);
    const secondSupervisor = dev.child.pid as number;
    const acceptedAtRestart = load.accepted();
    const restartedAt = Date.now();
    await waitFor(
      'messages accepted after bot dev restarted',
      30_000,
      () => load.accepted() >= acceptedAtRestart + 100 && Date.now() - restartedAt >= 3000,
      log,
    );
    await load.stop();

    const neverAccepted = load.deliveries.filter((d) => !d.id).map((d) => `${d.key}: ${d.error}`);
    const accepted = new Map(load.deliveries.filter((d) => d.id).map((d) => [d.id as string, d]));
    expect(accepted.size, 'two idempotency keys got the same input id').toBe(load.deliveries.length - neverAccepted.length);

    // Every accepted input gets its effect and is completed (an input held by a killed consumer waits for its lease
    // to expire). GET /v1/messages/:id reads the same store rows.
    const settled = () => {
      const effects = effectsByKey(root);
      return [...accepted.keys()].every((id) => effects.has(id)) && notCompleted(root, accepted.keys()).length === 0;
    };
    await waitFor('every accepted input is completed', 60_000, settled).catch(() => {});
    for (const id of [...accepted.keys()].filter((_, i) => i % 100 === 0)) {
      const response = await fetch(`http://127.0.0.1:${port}/v1/messages/${id}`);
      expect(await response.json()).toMatchObject({ id, status: 'completed', intent: 'update_status' });
    }
    const pending = notCompleted(root, accepted.keys());

    dev.child.kill('SIGINT');
    expect(await dev.exited).toBe(0);

    const effects = effectsByKey(root);
    const missing = [...accepted.keys()].filter((id) => !effects.has(id));
    const doubled = [...effects].filter(([id, n]) => id !== null && accepted.has(id) && n > 1).map(([id, n]) => `${id} (${accepted.get(id ?? '')?.key}) x${n}`);
    const unknown = [...effects].filter(([id]) => id === null || !accepted.has(id)).map(([id, n]) => `${id} x${n}`);
    const rows = [...effects.values()].reduce((a, b) => a + b, 0);
    const retried = load.deliveries.filter((d) => d.attempts > 1).length;
    const summary =
      `${load.deliveries.length} sent, ${accepted.size} accepted (${retried} after retries), ${rows} status_changes rows: ` +
      `${neverAccepted.length} never accepted, ${missing.length} missing, ${doubled.length} doubled, ${unknown.length} for unknown ids, ${pending.length} not completed`;
    expect({ neverAccepted, missing, doubled, unknown, notCompleted: pending }, summary).toEqual({
      neverAccepted: [],
      missing: [],
      doubled: [],
      unknown: [],
      notCompleted: [],
    });
    expect(rows, summary).toBe(accepted.size);
    const runs = recordedRunsById(root);
    const runsNotOne = [...accepted.keys()].filter((id) => runs.get(id) !== 1).map((id) => `${id} (${accepted.get(id)?.key}) x${runs.get(id) ?? 0}`);
    expect(runsNotOne, 'inputs whose action the executor recorded other than once').toEqual([]);

    // Nothing of either run is left.
    expect([firstSupervisor, secondSupervisor].filter(isAlive)).toEqual([]);
    await waitFor(
      'no process of either run is left',
      10_000,
      () => projectProcesses(root).length === 0,
      () => projectProcesses(root).join('\n'),
    );
    console.log(summary);
  });
});
