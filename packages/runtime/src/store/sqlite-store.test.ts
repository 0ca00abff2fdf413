import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { runStoreContract } from './contract.test-suite.ts';
import { createSqliteStore } from './sqlite-store.ts';

runStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'store-'));
  return {
    open: async () => createSqliteStore({ path: join(dir, '.bot', 'state.db') }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const childScript = fileURLToPath(new URL('./fixtures/claim-child.ts', import.meta.url));

describe('sqlite store across processes', () => {
  it('gives each idempotency key to exactly one of two processes claiming at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-proc-'));
    const path = join(dir, '.bot', 'state.db');
    try {
      await createSqliteStore({ path }).close();
      const count = 500;
      const claim = () => run(process.execPath, ['--import', 'tsx', childScript, path, String(count)], { cwd: repoRoot });
      const [a, b] = await Promise.all([claim(), claim()]);
      const wonA: string[] = JSON.parse(a.stdout);
      const wonB: string[] = JSON.parse(b.stdout);
      expect(wonA.length + wonB.length).toBe(count);
      expect(new Set([...wonA, ...wonB]).size).toBe(count);
      const store = createSqliteStore({ path });
      expect(await store.claim('key-0')).toMatchObject({ status: 'duplicate', state: 'completed' });
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sqlite store schema', () => {
  it('opens a state file from before claims had owners, and takes over the claims it holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-migrate-'));
    const path = join(dir, 'state.db');
    try {
      const old = new Database(path);
      old.exec(`CREATE TABLE store_idempotency (key TEXT PRIMARY KEY, state TEXT NOT NULL, result TEXT, claimed_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
        CREATE INDEX store_idempotency_updated ON store_idempotency (updated_at);
        INSERT INTO store_idempotency VALUES ('action:old', 'in-progress', NULL, ${Date.now() - 60_000}, ${Date.now() - 60_000});
        INSERT INTO store_idempotency VALUES ('action:done', 'completed', '{"reply":"ok"}', 1, 1);`);
      old.close();
      const store = createSqliteStore({ path });
      expect(await store.claim('action:done')).toEqual({ status: 'duplicate', state: 'completed', result: { reply: 'ok' } });
      const claim = await store.claim('action:old', { staleAfterMs: 30_000 });
      expect(claim).toMatchObject({ status: 'first' });
      expect(await store.renewClaim('action:old', (claim as { token: string }).token)).toBe(true);
      await store.close();
      // Retention goes by creation and claim now: the index on the last update, which every change rewrote, is gone.
      const upgraded = new Database(path, { readonly: true });
      const indexes = upgraded.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'store_idempotency%'").pluck().all();
      upgraded.close();
      expect(indexes).toContain('store_idempotency_claimed');
      expect(indexes).not.toContain('store_idempotency_updated');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sqlite store retention', () => {
  it('prunes LLM usage records past their retention once a minute, keeping younger rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-prune-'));
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const store = createSqliteStore({ path: join(dir, 'state.db'), retentionMs: 10_000, usageRetentionMs: 10_000 });
    try {
      const now = Date.now();
      const usage = {
        traceId: 'a'.repeat(32),
        model: 'gpt-4o-mini',
        provider: 'openai',
        inputTokens: 10,
        outputTokens: 5,
        cachedTokens: 0,
        costUsd: 0.001,
        latencyMs: 20,
        cacheHit: false,
        estimated: false,
        apiKeyId: 'local',
        status: 'ok' as const,
      };
      await store.recordUsage({ ...usage, atMs: now - 60_000 });
      await store.recordUsage({ ...usage, atMs: now });
      await store.putMessage({ id: 'm-1', conversationId: 'c-1', traceId: 'b'.repeat(32), tenant: 'default', status: 'received' });
      expect((await store.usageTotals()).total.calls).toBe(2);
      vi.advanceTimersByTime(60_000);
      await expect.poll(async () => (await store.usageTotals()).total.calls).toBe(1);
      // The message is younger than its retention and stays.
      expect(await store.getMessage('m-1')).toMatchObject({ status: 'received' });
    } finally {
      vi.useRealTimers();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prunes in short transactions that let the process’s own writes through, until every expired row is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-prune-'));
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    // retentionMs 1: all that exists when a round starts has expired; what is written during it has not.
    const store = createSqliteStore({ path: join(dir, 'state.db'), retentionMs: 1 });
    const messages = () => {
      const db = new Database(join(dir, 'state.db'), { readonly: true });
      try {
        return db.prepare('SELECT count(*) FROM store_messages').pluck().get() as number;
      } finally {
        db.close();
      }
    };
    try {
      const old = Date.now();
      // Five batches' worth of expired messages, each with a trace of two spans.
      await Promise.all(
        Array.from({ length: 2_500 }, (_, i) => {
          const traceId = i.toString(16).padStart(32, '0');
          const identity = { id: `old-${i}`, conversationId: `c-${i}`, traceId, tenant: 'default' };
          const span = (name: string) => ({
            v: 1 as const,
            type: 'span' as const,
            ...identity,
            spanId: `${name}${i.toString(16).padStart(15, '0')}`,
            service: 'nlp',
            name,
            startMs: old,
            endMs: old + 1,
            attributes: {},
          });
          return Promise.all([store.putMessage({ ...identity, status: 'completed' }), store.appendSpans([span('a'), span('b')])]);
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 10));
      vi.advanceTimersByTime(60_000);
      // Queued while the round runs: it commits between two batches, not after the whole round.
      await store.putMessage({ id: 'fresh', conversationId: 'c-fresh', traceId: 'f'.repeat(32), tenant: 'default', status: 'received' });
      expect(messages()).toBeGreaterThan(1);
      await expect.poll(messages).toBe(1);
      expect(await store.getMessage('fresh')).toMatchObject({ status: 'received' });
      // Traces and their spans are a later step of the same round.
      await expect.poll(() => store.listRecentTraces(10)).toEqual([]);
      expect(await store.listSpans('0'.repeat(32))).toEqual([]);
    } finally {
      vi.useRealTimers();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
