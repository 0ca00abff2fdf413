// Broker benchmark: publish -> consume -> republish -> consume across two processes on one SQLite file.
// Run: node_modules/.bin/tsx bench/broker/pipeline.ts [pollIntervalMs=1] [rate=200] [seconds=5] [burst=20000]
// Phase 1 publishes at a fixed rate and reports one-hop and two-hop latency; phase 2 publishes a burst and reports end-to-end msg/s.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSqliteBroker } from '../../packages/runtime/src/broker/index.ts';

const [pollIntervalMs = '1', rate = '200', seconds = '5', burst = '20000'] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'bench-broker-'));
const path = join(dir, 'broker.db');
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const broker = createSqliteBroker({ path, pollIntervalMs: Number(pollIntervalMs) });
let oneHop: number[] = [];
let twoHop: number[] = [];
let received = 0;
await broker.consume(
  'bench.out',
  'sink',
  async (d) => {
    const { t0, t1 } = d.payload as { t0: number; t1: number };
    oneHop.push(t1 - t0);
    twoHop.push(now() - t0);
    received++;
  },
  { concurrency: 64 },
);

const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./echo-child.ts', import.meta.url)), path, pollIntervalMs], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const report = (label: string, values: number[]) => `${label} p50 ${pct(values, 50).toFixed(2)} ms, p99 ${pct(values, 99).toFixed(2)} ms`;

// Phase 1: fixed rate.
const total = Number(rate) * Number(seconds);
const interval = 1000 / Number(rate);
const start = now();
for (let i = 0; i < total; i++) {
  const due = start + i * interval;
  const wait = due - now();
  if (wait > 0) await sleep(wait);
  await broker.publish('bench.in', { payload: { t0: now() }, orderingKey: `c${i % 50}` });
}
while (received < total) await sleep(5);
console.log(`latency at ${rate} msg/s x ${seconds}s (poll ${pollIntervalMs} ms): ${report('one hop', oneHop)}; ${report('two hops', twoHop)}`);

// Phase 2: burst throughput (publishes of one tick share a commit).
oneHop = [];
twoHop = [];
received = 0;
const count = Number(burst);
const burstStart = now();
for (let i = 0; i < count; i += 500) {
  await Promise.all(
    Array.from({ length: Math.min(500, count - i) }, (_, j) => broker.publish('bench.in', { payload: { t0: now() }, orderingKey: `c${(i + j) % 1000}` })),
  );
}
const published = now();
while (received < count) await sleep(2);
const elapsed = now() - burstStart;
console.log(
  `burst of ${count}: publish ${(count / ((published - burstStart) / 1000)).toFixed(0)} msg/s; end to end (2 hops, 2 processes) ${(count / (elapsed / 1000)).toFixed(0)} msg/s; ${report('two hops', twoHop)}`,
);

// Idle cost of the wake-up poll.
const idleStart = process.cpuUsage();
await sleep(3000);
const idle = process.cpuUsage(idleStart);
console.log(`idle CPU of this process with 1 consumer: ${(((idle.user + idle.system) / 1000 / 3000) * 100).toFixed(2)} %`);

child.kill('SIGTERM');
await new Promise((resolve) => child.once('exit', resolve));
await broker.close();
rmSync(dir, { recursive: true, force: true });
