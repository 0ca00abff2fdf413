// Profiling aid (not a benchmark figure): where the slowest `?wait` round trips at a fixed rate lose their time.
// Starts bot dev on the bench project, warms it up as run.ts does (3 s at 100 msg/s, whose traces are left out),
// runs the benchmark's open-loop `?wait` load (loadgen.ts), then reads the spans and compares each hop's median over all traces with its median over the slowest 2 % (by gateway span).
// Run: tsx pipeline/tail.ts [rate] [seconds]
import { spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { startProbeDev } from './probe-dev.ts';

const rate = Number(process.argv[2] ?? 200);
const seconds = Number(process.argv[3] ?? 10);
const dev = await startProbeDev('tail');
const url = `http://127.0.0.1:${dev.port}/v1/messages?wait=5000`;
const measuredFrom = Date.now() + 6000;
let result: { p50: number; p99: number };
try {
  await load({ url, mode: 'rate', rate: 100, seconds: 3 });
  await sleep(Math.max(0, measuredFrom - Date.now()));
  result = await load({ url, mode: 'rate', rate, seconds });
} finally {
  await dev.stop();
}

async function load(options: object): Promise<{ p50: number; p99: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./loadgen.ts', import.meta.url)), JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  await new Promise((resolve) => child.on('exit', resolve));
  return JSON.parse(out.trim().split('\n').pop() ?? '{}');
}

type Span = { traceId: string; service: string; startMs: number; endMs: number };
const db = new Database(path.join(dev.root, '.bot/state.db'), { readonly: true });
const byTrace = new Map<string, Record<string, Span>>();
for (const json of db.prepare('SELECT span FROM store_spans').pluck().all() as string[]) {
  const span = JSON.parse(json) as Span;
  const trace = byTrace.get(span.traceId) ?? {};
  trace[span.service] = span;
  byTrace.set(span.traceId, trace);
}
type Trace = Record<'gateway' | 'receiver' | 'nlp' | 'executor', Span>;
const complete = (t: Record<string, Span>): t is Trace => Boolean(t.gateway && t.receiver && t.nlp && t.executor);
const hops: [string, (t: Trace) => number][] = [
  ['gateway start → receiver start', (t) => t.receiver.startMs - t.gateway.startMs],
  ['receiver (store + publish)', (t) => t.receiver.endMs - t.receiver.startMs],
  ['receiver end → nlp start', (t) => t.nlp.startMs - t.receiver.endMs],
  ['nlp', (t) => t.nlp.endMs - t.nlp.startMs],
  ['nlp end → executor start', (t) => t.executor.startMs - t.nlp.endMs],
  ['executor', (t) => t.executor.endMs - t.executor.startMs],
  ['executor end → gateway end', (t) => t.gateway.endMs - t.executor.endMs],
  ['gateway total', (t) => t.gateway.endMs - t.gateway.startMs],
];
const traces = [...byTrace.values()].filter(complete).filter((t) => t.gateway.startMs >= measuredFrom);
traces.sort((a, b) => a.gateway.endMs - a.gateway.startMs - (b.gateway.endMs - b.gateway.startMs));
const slow = traces.slice(Math.floor(traces.length * 0.98));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? Number.NaN;
console.log(`${traces.length} traces at ${rate}/s; client p50 ${result.p50?.toFixed(2)} ms, p99 ${result.p99?.toFixed(2)} ms`);
console.log(`${'hop'.padEnd(32)} all (median)  slowest 2 % (median, max)`);
for (const [name, f] of hops) {
  const s = slow.map(f);
  console.log(
    `${name.padEnd(32)} ${median(traces.map(f)).toFixed(3).padStart(8)}   ${median(s).toFixed(3).padStart(8)} ${Math.max(...s)
      .toFixed(3)
      .padStart(8)}`,
  );
}
const t0 = traces.reduce((m, t) => Math.min(m, t.gateway.startMs), Number.POSITIVE_INFINITY);
console.log('slowest: start (ms into the run) and the hop that took most');
for (const t of slow) {
  const [worst, ms] = hops
    .slice(0, -1)
    .map(([n, f]) => [n, f(t)] as const)
    .sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  console.log(`  ${(t.gateway.startMs - t0).toFixed(0).padStart(6)}  total ${(t.gateway.endMs - t.gateway.startMs).toFixed(2)}  ${worst} ${ms.toFixed(2)}`);
}
