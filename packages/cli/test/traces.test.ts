// `bot traces --follow` on a real state folder: every new trace once it is complete, none skipped, none of the history.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { newSpanId, newTraceId, type Span } from '@inputbot/runtime/contracts';
import { createSqliteStore, type Store } from '@inputbot/runtime/store';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BOT_BIN } from './helpers/cli.ts';

let root: string;
let store: Store;

function trace(label: string, endedAgoMs: number, services: string[], traceId = newTraceId()): Span[] {
  const end = Date.now() - endedAgoMs;
  return services.map((service, i) => ({
    v: 1,
    type: 'span',
    traceId,
    conversationId: label,
    tenant: 'default',
    spanId: newSpanId(),
    service,
    name: `${service} step`,
    startMs: end - 5 + i,
    endMs: end,
    attributes: {},
  }));
}

const headers = (out: string) => out.match(/^trace \S+ conversation \S+/gm) ?? [];

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'inputbot-traces-'));
  await mkdir(path.join(root, '.bot'));
  store = createSqliteStore({ path: path.join(root, '.bot/state.db') });
  for (const label of ['old-1', 'old-2', 'old-3']) await store.appendSpans(trace(label, 10_000, ['gateway', 'nlp']));
});

afterAll(async () => {
  await store.close();
  await rm(root, { recursive: true, force: true });
});

it('follows: prints every new trace once its spans have landed, again when one gains a span, never the history', async () => {
  const child = spawn(process.execPath, [BOT_BIN, 'traces', root, '--follow', '-n', '1'], { env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  try {
    await expect.poll(() => headers(out), { timeout: 10_000 }).toHaveLength(1);
    expect(out).toContain('conversation old-3');

    // A burst of 30 traces, far more than -n 1: each is printed, complete (its two spans), exactly once.
    for (let i = 0; i < 30; i++) await store.appendSpans(trace(`burst-${i}`, 0, ['gateway', 'nlp']));
    await expect.poll(() => headers(out).length, { timeout: 10_000 }).toBe(31);
    for (let i = 0; i < 30; i++) {
      const block = out.slice(out.indexOf(`conversation burst-${i} `)).split(/\ntrace /)[0] ?? '';
      expect(block).toMatch(/gateway\s+gateway step/);
      expect(block).toMatch(/nlp\s+nlp step/);
    }

    // A long action: its span lands after the trace was printed, and the trace is printed again with it.
    const [gateway] = trace('slow', 0, ['gateway']);
    if (!gateway) throw new Error('no span');
    await store.appendSpans([gateway]);
    await expect.poll(() => headers(out).filter((h) => h.endsWith('slow')), { timeout: 10_000 }).toHaveLength(1);
    await store.appendSpans(trace('slow', 0, ['executor'], gateway.traceId));
    await expect.poll(() => out, { timeout: 10_000 }).toContain('(1 more span since printed)');
    expect(headers(out).filter((h) => h.endsWith('slow'))).toHaveLength(2);

    expect(out).not.toContain('old-1');
    expect(out).not.toContain('old-2');
    expect(out).not.toContain('skipped');
  } finally {
    child.kill('SIGINT');
  }
});
