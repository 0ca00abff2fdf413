// The floor of inputbot's `bot dev` architecture on this machine: the same message path (four Node processes talking
// through a durable SQLite broker, UDP doorbells, a parent that checkpoints the WAL every 250 ms) with the same
// commits per message, but no product logic at all. Whatever `npm run pipeline -w bench` measures above these
// figures is inputbot's own code; what is below the targets here, the architecture cannot reach on this machine.
//
// Run: npm run pipeline:floor -w bench   (about 2 min; not beside other benchmarks)
//
// Per message, as inputbot (services in bench/pipeline/floor/):
//   front     POST /v1/messages → one POST /batch per event-loop turn (≤ 16 inputs) to the receiver; 202 {id},
//             or with ?wait the reply, which it takes from 'replies' (lease tx + ack tx on broker.db, per batch)
//   receiver  per batch: 1 state.db tx (status 'received'), 1 broker.db tx (enqueue on 'inputs'), ring nlp
//   nlp       per batch of ≤ 16: lease tx, 1 state.db tx (ledger + 'recognised'), 1 broker.db tx (ack + publish 'intents')
//   executor  per batch: lease tx; per message 2 state.db tx (claim; ledger result + 'completed' + reply);
//             per batch 1 broker.db tx (ack + publish 'replies')
// Measured with bench/pipeline/loadgen.ts exactly as run.ts does: a throughput ramp, a bounded burst, ?wait latency.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startCheckpointer } from '@inputbot/runtime/sqlite';
import Database from 'better-sqlite3';
import { createSchema, floorFiles } from './floor/common.ts';
import { cpuMeter, f, load, runLoad, throughputStep } from './measure.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const RATES = [1000, 1500, 2000, 2500, 3000, 4000, 5000, 6000];
const STEP_SECONDS = 5;

// ---------- the pipeline ----------
const dir = mkdtempSync(path.join(tmpdir(), 'inputbot-floor-'));
const files = floorFiles(dir);
const children: ChildProcess[] = [];
let cleaned = false;
function cleanup(): void {
  if (cleaned) return;
  cleaned = true;
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    cleanup();
    process.exit(130);
  });

/** Starts a service and resolves with the port it printed once ready (services print one JSON line). */
function startService(name: string, env: Record<string, string> = {}): Promise<{ pid: number; port: number | undefined }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, 'floor', `${name}.ts`)], {
    cwd: HERE,
    env: { ...process.env, ...env, FLOOR_DIR: dir },
    // stdin stays a pipe: a service exits when it closes, so none outlives this process even after kill -9.
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready in 15 s`)), 15_000);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      resolve({ pid: child.pid as number, port: (JSON.parse(out.split('\n')[0] as string) as { port?: number }).port });
    });
  });
}

console.log(
  `machine: ${execFileSync('nproc').toString().trim()} cores, ${cpus()[0]?.model.trim()}, node ${process.version}, ${new Date().toISOString()}, load ${load()}`,
);
createSchema(dir);

// bot dev's checkpointer, as its supervisor runs it on the two files.
const checkpointer = startCheckpointer([files.broker, files.state]);

const results: Record<string, string> = {};
try {
  // Consumers first, so their doorbells are registered before anything is published.
  const receiver = await startService('receiver');
  const nlp = await startService('nlp');
  const executor = await startService('executor');
  const front = await startService('front', { RECEIVER_PORT: String(receiver.port) });
  const pids: Record<string, number> = { parent: process.pid, front: front.pid, receiver: receiver.pid, nlp: nlp.pid, executor: executor.pid };
  const url = `http://127.0.0.1:${front.port}/v1/messages`;
  const cpu = cpuMeter(pids);
  const cpuSnapshot = cpu.snapshot;
  const cpuShare = cpu.share;

  const probe = await fetch(`${url}?wait=5000`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":"u","text":"hi"}' });
  const probeBody = (await probe.json()) as { reply?: string };
  if (probe.status !== 200 || probeBody.reply !== 'Hello!') throw new Error(`unexpected first answer ${probe.status} ${JSON.stringify(probeBody)}`);

  // ---------- ?wait latency at 200 msg/s ----------
  await runLoad({ url: `${url}?wait=5000`, mode: 'rate', rate: 200, seconds: 2 });
  {
    const c0 = cpuSnapshot();
    const fixed = await runLoad({ url: `${url}?wait=5000`, mode: 'rate', rate: 200, seconds: 10 });
    results.latency = `${f(fixed.p50, 2)} / ${f(fixed.p99, 2)}`;
    console.log(
      `?wait at 200 msg/s: p50 ${f(fixed.p50, 2)} ms, p90 ${f(fixed.p90, 2)} ms, p99 ${f(fixed.p99, 2)} ms, max ${f(fixed.max, 1)} ms (${fixed.ok}/${fixed.sent} ok, ${JSON.stringify(fixed.statuses)}); CPU ${cpuShare(c0, fixed.seconds)}`,
    );
  }

  // ---------- throughput: open loop at increasing rates, backlog watched in state.db (as run.ts) ----------
  const state = new Database(files.state, { readonly: true, fileMustExist: true });
  const backlogStmt = state.prepare("SELECT count(*) FROM status WHERE status <> 'completed'").pluck();
  const doneStmt = state.prepare("SELECT count(*) FROM status WHERE status = 'completed'").pluck();
  const backlog = () => backlogStmt.get() as number;
  const done = () => doneStmt.get() as number;
  let best = 0;
  for (const rate of RATES) {
    const step = await throughputStep(url, rate, STEP_SECONDS, { backlog, done }, cpu);
    console.log(step.line);
    if (!step.sustained) break;
    best = rate;
  }
  results.throughput = String(best);
  console.log(`highest sustained rate: ${best} msg/s`);

  // ---------- bounded burst: accepted as fast as the front takes them, then time until every message is completed ----------
  {
    const count = 20_000;
    const doneBefore = done();
    const c = cpuSnapshot();
    const t0 = performance.now();
    const result = await runLoad({ url, mode: 'burst', count, concurrency: 64, sockets: 64 });
    const acceptedAt = performance.now();
    while (done() - doneBefore < result.ok && performance.now() - acceptedAt < 120_000) await sleep(20);
    const totalSeconds = (performance.now() - t0) / 1000;
    results.burst = `${f(result.okPerSecond, 0)} / ${f(result.ok / totalSeconds, 0)}`;
    console.log(
      `burst of ${count}: accepted ${f(result.okPerSecond, 0)}/s (${result.ok} ok, ${JSON.stringify(result.statuses)}); all completed after ${f(totalSeconds, 2)} s → ${f(result.ok / totalSeconds, 0)} msg/s end to end; CPU ${cpuShare(c, totalSeconds)}`,
    );
  }
  state.close();
} finally {
  checkpointer.stop();
  cleanup();
}

console.log(`
| figure | target | floor (no product logic) |
| --- | --- | --- |
| end-to-end throughput, sustained (msg/s) | ≥ 5,000 | ${results.throughput} |
| bounded burst of 20,000: accepted / end to end (msg/s) | | ${results.burst} |
| ?wait p50 / p99 at 200 msg/s (ms) | ≤ 3 / ≤ 10 | ${results.latency} |

load average after: ${load()}`);
