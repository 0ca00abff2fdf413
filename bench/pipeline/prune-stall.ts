// How long retention pruning holds up a process: fills a store with one minute of records at a given rate (each
// message with its status, nlp and action ledger entries, and a trace of four spans), lets them expire, then runs
// one prune round while measuring the longest event-loop block and the round's duration.
// Run: tsx pipeline/prune-stall.ts [rate=200] [seconds=60]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { newMessageId, newSpanId, newTraceId } from '../../packages/runtime/src/contracts/ids.ts';
import { createSqliteStore } from '../../packages/runtime/src/store/sqlite-store.ts';

const rate = Number(process.argv[2] ?? 200);
const seconds = Number(process.argv[3] ?? 60);
const dir = mkdtempSync(path.join(tmpdir(), 'inputbot-prune-'));
// As under bot dev: the supervisor checkpoints the WAL, so no commit here pays for a checkpoint.
const store = createSqliteStore({ path: path.join(dir, 'state.db'), retentionMs: 1, idempotencyRetentionMs: 1, walCheckpoints: 'external' });
const total = rate * seconds;
for (let i = 0; i < total; i += 200) {
  const writes: Promise<unknown>[] = [];
  for (let j = 0; j < 200; j++) {
    const id = newMessageId();
    const traceId = newTraceId();
    const conversationId = newMessageId();
    const identity = { id, conversationId, traceId, tenant: 'default' };
    writes.push(store.putMessage({ ...identity, status: 'completed', intent: 'update_status', reply: 'Moved Apollo from in progress to done.' }));
    writes.push(store.completeOnce(`nlp:${id}`, { topic: 'intents', payload: { text: 'x'.repeat(300) }, conversationId }, []));
    writes.push(store.completeOnce(`action:${id}`, { reply: 'x'.repeat(200) }, []));
    const now = Date.now();
    const spans = ['gateway', 'receiver', 'nlp', 'executor'].map((service, k) => ({
      v: 1 as const,
      type: 'span' as const,
      traceId,
      conversationId,
      tenant: 'default',
      spanId: newSpanId(),
      service,
      name: `hop ${k}`,
      startMs: now + k,
      endMs: now + k + 1,
      attributes: { intent: 'update_status', confidence: 0.9 },
    }));
    writes.push(store.appendSpans(spans));
  }
  await Promise.all(writes);
}
await sleep(20);
// The longest stretch the loop was held: the synchronous part of starting the round, then the longest gap between
// two turns of a ping that re-queues itself while the round runs.
let longest = 0;
let last = performance.now();
let pinging = true;
const ping = () => {
  const now = performance.now();
  longest = Math.max(longest, now - last);
  last = now;
  if (pinging) setImmediate(ping);
};
const start = performance.now();
// The store's own minute timer, called at once (a profiling aid may reach inside).
(store as unknown as { prune(): void }).prune();
longest = performance.now() - start;
last = performance.now();
setImmediate(ping);
await (store as unknown as { pruning?: Promise<void> }).pruning;
pinging = false;
const ms = performance.now() - start;
console.log(`${total} messages (${seconds} s at ${rate} msg/s) pruned in ${ms.toFixed(0)} ms; longest event-loop block ${longest.toFixed(1)} ms`);
await store.close();
rmSync(dir, { recursive: true, force: true });
