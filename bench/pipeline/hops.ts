// Profiling aid (not a benchmark figure): where a ?wait round trip spends its time, hop by hop, read from the
// spans every service records. Starts bot dev on the bench project, sends `count` ?wait requests one at a time
// at `rate`/s, then prints the median of each gap.  Run: tsx pipeline/hops.ts [count] [rate]
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { startProbeDev } from './probe-dev.ts';

const count = Number(process.argv[2] ?? 300);
const rate = Number(process.argv[3] ?? 200);
const dev = await startProbeDev('hops');
const { port, root } = dev;
const rtts: number[] = [];
for (let i = 0; i < count; i++) {
  const t0 = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/v1/messages?wait=5000`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'u', text: 'hello there', conversationId: `c${i}` }),
  });
  await res.json();
  rtts.push(performance.now() - t0);
  await sleep(1000 / rate);
}
await dev.stop();

const db = new Database(path.join(root, '.bot/state.db'), { readonly: true });
const rows = db.prepare('SELECT span FROM store_spans').pluck().all() as string[];
const byTrace = new Map<string, Record<string, { startMs: number; endMs: number }>>();
for (const json of rows) {
  const span = JSON.parse(json) as { traceId: string; service: string; startMs: number; endMs: number };
  const trace = byTrace.get(span.traceId) ?? {};
  trace[span.service] = span;
  byTrace.set(span.traceId, trace);
}
const gaps: Record<string, number[]> = {};
const add = (name: string, ms: number) => {
  gaps[name] = [...(gaps[name] ?? []), ms];
};
for (const t of byTrace.values()) {
  if (!t.gateway || !t.receiver || !t.nlp || !t.executor) continue;
  add('gateway start → receiver start', t.receiver.startMs - t.gateway.startMs);
  add('receiver (store + publish)', t.receiver.endMs - t.receiver.startMs);
  add('receiver end → nlp start', t.nlp.startMs - t.receiver.endMs);
  add('nlp', t.nlp.endMs - t.nlp.startMs);
  add('nlp end → executor start', t.executor.startMs - t.nlp.endMs);
  add('executor', t.executor.endMs - t.executor.startMs);
  add('executor end → gateway end', t.gateway.endMs - t.executor.endMs);
  add('gateway total', t.gateway.endMs - t.gateway.startMs);
}
const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)] ?? Number.NaN;
console.log(`${byTrace.size} traces; client round trip p50 ${q(rtts, 0.5).toFixed(2)} ms, p99 ${q(rtts, 0.99).toFixed(2)} ms`);
for (const [name, xs] of Object.entries(gaps))
  console.log(`${name.padEnd(34)} p50 ${q(xs, 0.5).toFixed(3)} ms  p90 ${q(xs, 0.9).toFixed(3)} ms  p99 ${q(xs, 0.99).toFixed(3)} ms`);
