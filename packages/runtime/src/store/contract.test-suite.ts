// The store contract: one suite every Store adapter (sqlite now, NATS KV later) must pass, written against the interface only.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newSpanId, newTraceId } from '../contracts/ids.ts';
import type { Span } from '../contracts/span.ts';
import type { ClaimResult, Store, UsageRecord } from './types.ts';

/** A backend several stores can share, the way several processes share one SQLite file or one NATS KV bucket. */
export interface StoreFixture {
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function span(traceId: string, overrides: Partial<Span> = {}): Span {
  return {
    v: 1,
    type: 'span',
    traceId,
    conversationId: 'c-1',
    tenant: 'acme',
    spanId: newSpanId(),
    service: 'nlp',
    name: 'recognise',
    startMs: 100,
    endMs: 110,
    attributes: {},
    ...overrides,
  };
}

function usage(overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    traceId: newTraceId(),
    model: 'gpt-4o-mini',
    provider: 'openai',
    inputTokens: 100,
    outputTokens: 20,
    cachedTokens: 0,
    costUsd: 0.001,
    latencyMs: 120,
    cacheHit: false,
    estimated: false,
    apiKeyId: 'local',
    status: 'ok',
    atMs: Date.now(),
    ...overrides,
  };
}

/** Runs the store contract against the adapter `name`. */
export function runStoreContract(name: string, makeFixture: () => Promise<StoreFixture>): void {
  describe(`store contract: ${name}`, () => {
    let fixture: StoreFixture;
    let opened: Store[];
    const open = async () => {
      const store = await fixture.open();
      opened.push(store);
      return store;
    };

    beforeEach(async () => {
      fixture = await makeFixture();
      opened = [];
    });

    afterEach(async () => {
      await Promise.all(opened.map((s) => s.close()));
      await fixture.cleanup();
    });

    it('records a message status, merges later updates, and reads it back from another store', async () => {
      const [a, b] = [await open(), await open()];
      const base = { id: 'm-1', conversationId: 'c-1', traceId: newTraceId(), tenant: 'acme' };
      expect(await a.getMessage('m-1')).toBeUndefined();
      await a.putMessage({ ...base, status: 'received' });
      await a.putMessage({ ...base, status: 'recognized', intent: 'update_status' });
      await a.putMessage({ ...base, status: 'completed', reply: 'Done.', data: { ticket: 7 } });
      const record = await b.getMessage('m-1');
      expect(record).toMatchObject({ ...base, status: 'completed', intent: 'update_status', reply: 'Done.', data: { ticket: 7 } });
      expect(record?.error).toBeUndefined();
      expect(record?.updatedAt).toBeGreaterThanOrEqual(record?.createdAt ?? Infinity);
      await a.putMessage({ ...base, status: 'failed', error: { code: 'ACTION_TIMEOUT', message: 'slow', nonRetryable: false } });
      expect(await b.getMessage('m-1')).toMatchObject({ status: 'failed', reply: 'Done.', error: { code: 'ACTION_TIMEOUT' } });
    });

    it('never moves a message status backwards, whatever order concurrent updates land in', async () => {
      const [a, b] = [await open(), await open()];
      const base = { id: 'm-2', conversationId: 'c-1', traceId: newTraceId(), tenant: 'acme' };
      await a.putMessage({ ...base, status: 'recognized', intent: 'update_status' });
      await b.putMessage({ ...base, status: 'received' });
      expect(await a.getMessage('m-2')).toMatchObject({ status: 'recognized', intent: 'update_status' });
      await a.putMessage({ ...base, status: 'completed', reply: 'Done.' });
      await b.putMessage({ ...base, status: 'executing' });
      expect(await a.getMessage('m-2')).toMatchObject({ status: 'completed', reply: 'Done.' });
    });

    it('keeps a conversation context until its TTL passes', async () => {
      const store = await open();
      const context = {
        pendingIntent: 'update_status',
        entities: { project: 'Apollo' },
        awaiting: { kind: 'slot' as const, entity: 'status' },
        inputId: 'm-1',
      };
      await store.setContext('c-1', context, 60_000);
      await store.setContext('c-2', { entities: {} }, 150);
      expect(await store.getContext('c-1')).toEqual(context);
      expect(await store.getContext('c-2')).toEqual({ entities: {} });
      await sleep(300);
      expect(await store.getContext('c-2')).toBeUndefined();
      await store.setContext('c-1', { entities: {}, awaiting: { kind: 'confirmation' } }, 60_000);
      expect(await store.getContext('c-1')).toEqual({ entities: {}, awaiting: { kind: 'confirmation' } });
      await store.deleteContext('c-1');
      expect(await store.getContext('c-1')).toBeUndefined();
    });

    it('claims an idempotency key once, returns the stored result to duplicates, and can release it', async () => {
      const [a, b] = [await open(), await open()];
      expect(await a.claim('k1')).toEqual({ status: 'first', token: expect.any(String) });
      expect(await b.claim('k1')).toMatchObject({ status: 'duplicate', state: 'in-progress' });
      await a.complete('k1', { reply: 'Done.', ticket: 7 });
      expect(await b.claim('k1')).toEqual({ status: 'duplicate', state: 'completed', result: { reply: 'Done.', ticket: 7 } });

      await a.release('k2', tokenOf(await a.claim('k2')));
      const second = tokenOf(await b.claim('k2'));
      await b.release('k2', second);
      await b.complete('k2', undefined);
      expect(await a.claim('k2')).toEqual({ status: 'duplicate', state: 'completed', result: undefined });
      // A completed key stays completed: release gives up only a claim in progress.
      await a.release('k2', second);
      expect(await a.claim('k2')).toMatchObject({ state: 'completed' });
    });

    it('lets a stale in-progress claim be taken over (its claimer crashed)', async () => {
      const store = await open();
      const first = tokenOf(await store.claim('k'));
      await sleep(60);
      expect(await store.claim('k', { staleAfterMs: 10_000 })).toMatchObject({ status: 'duplicate', state: 'in-progress' });
      expect(tokenOf(await store.claim('k', { staleAfterMs: 50 }))).not.toBe(first);
    });

    it('keeps a renewed claim alive past its staleness, and renews only a claim in progress', async () => {
      const [a, b] = [await open(), await open()];
      const token = tokenOf(await a.claim('beat'));
      for (let i = 0; i < 3; i++) {
        await sleep(40);
        expect(await a.renewClaim('beat', token)).toBe(true);
      }
      // 120 ms since the claim, under 40 since its last renewal.
      const held = await b.claim('beat', { staleAfterMs: 80 });
      expect(held).toMatchObject({ status: 'duplicate', state: 'in-progress' });
      expect(Date.now() - (held as { claimedAt: number }).claimedAt).toBeLessThan(80);
      await sleep(100);
      const takenOver = tokenOf(await b.claim('beat', { staleAfterMs: 80 }));
      await b.complete('beat', { ok: true });
      expect(await a.renewClaim('beat', token)).toBe(false);
      expect(await b.renewClaim('beat', takenOver)).toBe(false);
      expect(await a.renewClaim('never-claimed', token)).toBe(false);
    });

    it('leaves a taken-over claim to its new claimer: the old one can neither renew nor release it', async () => {
      const [a, b, c] = [await open(), await open(), await open()];
      const old = tokenOf(await a.claim('paused'));
      await sleep(60);
      // a stopped beating (a debugger, SIGSTOP) and b presumed it dead.
      const current = tokenOf(await b.claim('paused', { staleAfterMs: 50 }));
      expect(await a.renewClaim('paused', old)).toBe(false);
      await a.release('paused', old);
      // Still b's: a third claimer finds it in progress instead of running the effect a third time.
      expect(await c.claim('paused')).toMatchObject({ status: 'duplicate', state: 'in-progress' });
      expect(await b.renewClaim('paused', current)).toBe(true);
      await b.release('paused', current);
      expect(await c.claim('paused')).toMatchObject({ status: 'first' });
    });

    it('gives each key to exactly one of many concurrent claimers', async () => {
      const stores = [await open(), await open(), await open()];
      const keys = Array.from({ length: 50 }, (_, i) => `race-${i}`);
      const results = await Promise.all(keys.flatMap((key) => stores.map(async (s) => ({ key, result: await s.claim(key) }))));
      for (const key of keys) expect(results.filter((r) => r.key === key && r.result.status === 'first')).toHaveLength(1);
    });

    it('records a decision once with its state: a second completeOnce gets the stored result and writes nothing', async () => {
      const [a, b] = [await open(), await open()];
      const traceId = newTraceId();
      const update = { id: 'in-1', conversationId: 'c-1', traceId, tenant: 'acme', status: 'recognized' as const, intent: 'greet' };
      expect(await a.getCompletion('nlp:in-1')).toBeUndefined();
      const first = await a.completeOnce('nlp:in-1', { decided: 'greet' }, [
        { kind: 'message', update },
        { kind: 'set-context', conversationId: 'c-1', context: { pendingIntent: 'greet', entities: {} }, ttlMs: 60_000 },
        { kind: 'spans', spans: [span(traceId)] },
      ]);
      expect(first).toEqual({ status: 'first' });
      const second = await b.completeOnce('nlp:in-1', { decided: 'other' }, [
        { kind: 'message', update: { ...update, id: 'in-1', intent: 'other', status: 'completed' } },
        { kind: 'delete-context', conversationId: 'c-1' },
      ]);
      expect(second).toEqual({ status: 'duplicate', result: { decided: 'greet' } });
      expect(await b.getCompletion('nlp:in-1')).toEqual({ result: { decided: 'greet' } });
      expect(await b.getMessage('in-1')).toMatchObject({ status: 'recognized', intent: 'greet' });
      expect(await b.getContext('c-1')).toEqual({ pendingIntent: 'greet', entities: {} });
      expect(await b.listSpans(traceId)).toHaveLength(1);
      // A claim on a recorded key is a completed duplicate, so both styles of caller agree.
      expect(await b.claim('nlp:in-1')).toMatchObject({ status: 'duplicate', state: 'completed' });
    });

    it('gives a key to exactly one of many concurrent completeOnce callers', async () => {
      const stores = [await open(), await open(), await open()];
      const keys = Array.from({ length: 30 }, (_, i) => `once-${i}`);
      const results = await Promise.all(keys.flatMap((key) => stores.map(async (s, i) => ({ key, i, result: await s.completeOnce(key, { by: i }, []) }))));
      for (const key of keys) {
        const firsts = results.filter((r) => r.key === key && r.result.status === 'first');
        expect(firsts).toHaveLength(1);
        const winner = firsts[0]?.i;
        for (const r of results.filter((r) => r.key === key && r.result.status === 'duplicate'))
          expect(r.result).toEqual({ status: 'duplicate', result: { by: winner } });
      }
    });

    it('completes a claimed key with its state in one write, and rejects a bad span without recording anything', async () => {
      const store = await open();
      const traceId = newTraceId();
      const update = { id: 'in-2', conversationId: 'c-2', traceId, tenant: 'acme', status: 'completed' as const, reply: 'Done.' };
      expect(await store.claim('action:in-2')).toMatchObject({ status: 'first' });
      await expect(
        store.complete('action:in-2', { reply: 'Done.' }, { immediate: true, writes: [{ kind: 'spans', spans: [{ ...span(traceId), endMs: 1 }] }] }),
      ).rejects.toMatchObject({ code: 'CONTRACT_INVALID' });
      expect(await store.getCompletion('action:in-2')).toBeUndefined();
      await store.complete(
        'action:in-2',
        { reply: 'Done.' },
        {
          immediate: true,
          writes: [
            { kind: 'message', update },
            { kind: 'spans', spans: [span(traceId)] },
          ],
        },
      );
      expect(await store.getCompletion('action:in-2')).toEqual({ result: { reply: 'Done.' } });
      expect(await store.getMessage('in-2')).toMatchObject({ status: 'completed', reply: 'Done.' });
      expect(await store.listSpans(traceId)).toHaveLength(1);
    });

    it('appends spans, lists a trace by start time, and lists recent traces newest first', async () => {
      const store = await open();
      const [older, newer] = [newTraceId(), newTraceId()];
      const root = span(older, { name: 'POST /v1/messages', service: 'gateway', startMs: 1000, endMs: 1050 });
      const child = span(older, { parentId: root.spanId, startMs: 1010, endMs: 1020, attributes: { intent: 'x', confidence: 0.9, llm: false } });
      await store.appendSpans([child, root]);
      await store.appendSpans([child]);
      await store.appendSpans([span(newer, { startMs: 2000, endMs: 2001, conversationId: 'c-2' })]);
      expect(await store.listSpans(older)).toEqual([root, child]);
      expect(await store.listSpans(newTraceId())).toEqual([]);
      expect(await store.listRecentTraces()).toEqual([
        { traceId: newer, conversationId: 'c-2', tenant: 'acme', startMs: 2000, endMs: 2001, spanCount: 1, rootName: 'recognise' },
        { traceId: older, conversationId: 'c-1', tenant: 'acme', startMs: 1000, endMs: 1050, spanCount: 2, rootName: 'POST /v1/messages' },
      ]);
      expect(await store.listRecentTraces(1)).toHaveLength(1);
      await expect(store.appendSpans([{ ...span(older), endMs: 1 }])).rejects.toMatchObject({ code: 'CONTRACT_INVALID', nonRetryable: true });
    });

    it('keeps an LLM usage ledger: totals by model, key and UTC day over a range, and what a key spent today', async () => {
      const [a, b] = [await open(), await open()];
      const day1 = Date.UTC(2026, 0, 10, 12);
      const day2 = Date.UTC(2026, 0, 11, 8);
      await a.recordUsage(usage({ atMs: day1, apiKeyId: 'ci', costUsd: 0.25 }));
      await a.recordUsage(usage({ atMs: day1 + 1, model: 'claude-haiku', provider: 'anthropic', apiKeyId: 'ci', costUsd: 0.5, cachedTokens: 40 }));
      await b.recordUsage(usage({ atMs: day2, costUsd: 0, cacheHit: true, estimated: true }));
      await b.recordUsage(usage({ atMs: day2 + 1, status: 'failed', errorCode: 'LLM_UPSTREAM_ERROR', inputTokens: 0, outputTokens: 0, costUsd: 0 }));
      const all = await b.usageTotals();
      expect(all.total).toEqual({ calls: 4, inputTokens: 300, outputTokens: 60, cachedTokens: 40, costUsd: 0.75, cacheHits: 1, failed: 1 });
      expect(all.byModel.map((m) => [m.model, m.calls, m.costUsd])).toEqual([
        ['claude-haiku', 1, 0.5],
        ['gpt-4o-mini', 3, 0.25],
      ]);
      expect(all.byKey.map((k) => [k.apiKeyId, k.calls])).toEqual([
        ['ci', 2],
        ['local', 2],
      ]);
      expect(all.byDay.map((d) => [d.day, d.calls])).toEqual([
        ['2026-01-10', 2],
        ['2026-01-11', 2],
      ]);
      const secondDay = await a.usageTotals({ from: Date.UTC(2026, 0, 11), to: Date.UTC(2026, 0, 12) });
      expect(secondDay.total.calls).toBe(2);
      expect((await a.usageTotals({ from: Date.UTC(2027, 0, 1) })).total).toMatchObject({ calls: 0, costUsd: 0 });
      const ciOnly = await b.usageTotals({ apiKeyId: 'ci' });
      expect(ciOnly.total).toMatchObject({ calls: 2, costUsd: 0.75 });
      expect(ciOnly.byKey.map((k) => k.apiKeyId)).toEqual(['ci']);
      expect((await b.usageTotals({ apiKeyId: 'ci', from: Date.UTC(2026, 0, 11) })).total.calls).toBe(0);

      expect(await a.spentToday('ci')).toEqual({ costUsd: 0, tokens: 0 });
      await a.recordUsage(usage({ apiKeyId: 'ci', costUsd: 0.1, inputTokens: 7, outputTokens: 3 }));
      await b.recordUsage(usage({ apiKeyId: 'other', costUsd: 0.2, inputTokens: 1, outputTokens: 1 }));
      expect(await b.spentToday('ci')).toEqual({ costUsd: 0.1, tokens: 10 });
      const everyone = await b.spentToday();
      expect(everyone.tokens).toBe(12);
      expect(everyone.costUsd).toBeCloseTo(0.3, 9);
    });
  });
}

/** The token of a claim that must have been first. */
function tokenOf(claim: ClaimResult): string {
  if (claim.status !== 'first') throw new Error(`expected the first claim, got ${JSON.stringify(claim)}`);
  return claim.token;
}
