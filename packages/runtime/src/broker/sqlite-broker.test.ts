import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { runBrokerContract, waitFor } from './contract.test-suite.ts';
import { createSqliteBroker } from './sqlite-broker.ts';
import type { Broker } from './types.ts';

runBrokerContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'broker-'));
  return {
    open: async () => createSqliteBroker({ path: join(dir, '.bot', 'broker.db') }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const childScript = fileURLToPath(new URL('./fixtures/broker-child.ts', import.meta.url));

interface Child {
  process: ChildProcess;
  events: Record<string, unknown>[];
}

function startChild(args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const events: Record<string, unknown>[] = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) events.push(JSON.parse(line));
  });
  return { process: child, events };
}

const exited = (child: Child) =>
  new Promise<void>((resolve) =>
    child.process.exitCode !== null || child.process.signalCode !== null ? resolve() : child.process.once('exit', () => resolve()),
  );

describe('sqlite broker across processes', () => {
  let dir: string;
  let path: string;
  const children: Child[] = [];
  const brokers: Broker[] = [];

  const open = () => {
    const broker = createSqliteBroker({ path });
    brokers.push(broker);
    return broker;
  };

  afterEach(async () => {
    for (const child of children.splice(0)) child.process.kill('SIGKILL');
    await Promise.all(brokers.splice(0).map((b) => b.close({ timeoutMs: 500 })));
    rmSync(dir, { recursive: true, force: true });
  });

  const setup = () => {
    dir = mkdtempSync(join(tmpdir(), 'broker-proc-'));
    path = join(dir, '.bot', 'broker.db');
  };

  it('redelivers the message of a consumer killed with SIGKILL mid-handler to a new process', async () => {
    setup();
    const broker = open();
    const first = startChild(['consume', path, 'inputs'], { HANG: '1', LEASE_MS: '500' });
    children.push(first);
    await waitFor(() => first.events.some((e) => e.event === 'ready'), 30_000, 'first consumer ready');
    await broker.publish('inputs', { payload: { n: 1 }, id: 'm-kill' });
    await waitFor(() => first.events.some((e) => e.event === 'got'), 30_000, 'first delivery');
    first.process.kill('SIGKILL');
    await exited(first);

    const second = startChild(['consume', path, 'inputs'], { LEASE_MS: '500' });
    children.push(second);
    await waitFor(() => second.events.some((e) => e.event === 'got'), 30_000, 'redelivery');
    const got = second.events.filter((e) => e.event === 'got');
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ id: 'm-kill', attempt: 2, pid: second.process.pid });
    await waitFor(async () => (await broker.stats()).every((t) => t.groups.every((g) => g.ready + g.inFlight + g.retrying === 0)), 30_000, 'ack');
  });

  it('keeps every message a publisher killed with SIGKILL had published', async () => {
    setup();
    const broker = open();
    const consumed = new Set<string>();
    await broker.consume('inputs', 'g', async (d) => void consumed.add(d.id));
    const publisher = startChild(['publish', path, 'inputs', '100000']);
    children.push(publisher);
    await waitFor(() => publisher.events.length >= 300, 30_000, 'publishing under way');
    publisher.process.kill('SIGKILL');
    await exited(publisher);
    const confirmed = publisher.events.map((e) => `p-${e.i}`);
    await waitFor(() => confirmed.every((id) => consumed.has(id)), 30_000, 'every confirmed message consumed');
    expect(consumed.size).toBeGreaterThanOrEqual(confirmed.length);
  });

  it('shares one queue between two consumer processes, each message handled once', async () => {
    setup();
    const broker = open();
    const a = startChild(['consume', path, 'intents']);
    const b = startChild(['consume', path, 'intents']);
    children.push(a, b);
    await waitFor(() => [a, b].every((c) => c.events.some((e) => e.event === 'ready')), 30_000, 'consumers ready');
    const total = 2000;
    for (let i = 0; i < total; i += 100) {
      await broker.publishBatch(
        'intents',
        Array.from({ length: 100 }, (_, j) => ({ payload: i + j, id: `m-${i + j}` })),
      );
    }
    const got = () => [...a.events, ...b.events].filter((e) => e.event === 'got');
    await waitFor(() => got().length >= total, 60_000, 'all handled');
    await waitFor(async () => (await broker.stats()).every((t) => t.groups.every((g) => g.ready + g.inFlight + g.retrying === 0)), 30_000, 'all acked');
    const ids = got().map((e) => e.id);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    expect(a.events.filter((e) => e.event === 'got').length).toBeGreaterThan(0);
    expect(b.events.filter((e) => e.event === 'got').length).toBeGreaterThan(0);
    a.process.kill('SIGTERM');
    b.process.kill('SIGTERM');
    await Promise.all([exited(a), exited(b)]);
    expect([a.process.exitCode, b.process.exitCode]).toEqual([0, 0]);
  });

  it('wakes a consumer in another process by its doorbell, not by the poll', async () => {
    setup();
    const broker = open();
    // A poll this slow would leave each message waiting up to two seconds.
    const consumer = startChild(['consume', path, 'inputs'], { POLL_MS: '2000' });
    children.push(consumer);
    await waitFor(() => consumer.events.some((e) => e.event === 'ready'), 30_000, 'consumer ready');
    // Registration reaches publishers within their port cache's lifetime (200 ms).
    await new Promise((resolve) => setTimeout(resolve, 300));
    const delays: number[] = [];
    for (let i = 0; i < 20; i++) {
      const sent = Date.now();
      await broker.publish('inputs', { payload: i, id: `d-${i}` });
      const got = () => consumer.events.find((e) => e.event === 'got' && e.id === `d-${i}`);
      await waitFor(() => got() !== undefined, 5_000, `message ${i}`);
      delays.push((got()?.t as number) - sent);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    expect(Math.max(...delays)).toBeLessThan(500);
  });
});

describe('sqlite broker retention', () => {
  it('prunes acked messages past retention in batches, keeping the ones a group still holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broker-prune-'));
    const file = join(dir, 'broker.db');
    // retentionMs 1: a prune every second, of everything no group holds.
    const broker = createSqliteBroker({ path: file, retentionMs: 1 });
    const count = () => {
      const db = new Database(file, { readonly: true });
      try {
        return db.prepare('SELECT count(*) FROM broker_messages').pluck().get() as number;
      } finally {
        db.close();
      }
    };
    try {
      let handled = 0;
      await broker.consume('work', 'g', async () => {
        handled++;
      });
      // More than two prune batches of acked work, and two messages for a group that never takes them.
      await Promise.all(Array.from({ length: 1_200 }, (_, i) => broker.publish('work', { payload: i })));
      await broker.consume('held', 'idle', async () => new Promise(() => {}), { concurrency: 1 });
      await broker.publish('held', { payload: 'a' });
      await broker.publish('held', { payload: 'b' });
      await waitFor(() => handled === 1_200, 10_000, 'all work handled');
      await waitFor(() => count() === 2, 10_000, 'acked messages pruned');
      expect(count()).toBe(2);
    } finally {
      await broker.close({ timeoutMs: 10 });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sqlite broker schema', () => {
  it('opens a broker file from before deliveries had a lease token, and delivers what it holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broker-migrate-'));
    const file = join(dir, 'broker.db');
    const old = new Database(file);
    old.exec(`CREATE TABLE broker_deliveries (grp INTEGER NOT NULL, seq INTEGER NOT NULL, okey TEXT, available_at INTEGER NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0, leased INTEGER NOT NULL DEFAULT 0, last_error TEXT, PRIMARY KEY (grp, seq)) WITHOUT ROWID`);
    old.close();
    const broker = createSqliteBroker({ path: file });
    try {
      const seen: unknown[] = [];
      await broker.consume('work', 'g', async (d) => {
        seen.push(d.payload);
        if (seen.length === 1) throw Object.assign(new Error('not yet'), { deferMs: 5 });
      });
      await broker.publish('work', { payload: 'kept' });
      await waitFor(() => seen.length === 2, 10_000, 'the deferred message again');
      expect(seen).toEqual(['kept', 'kept']);
    } finally {
      await broker.close({ timeoutMs: 10 });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
