// The receiver on its own: validation, normalisation, de-duplication, the stored status and the published InputReceived.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteBroker } from '../../broker/sqlite-broker.ts';
import type { Delivery } from '../../broker/types.ts';
import { createSqliteStore } from '../../store/sqlite-store.ts';
import { send } from '../gateway/__fixtures__/stack.ts';
import type { RunningService } from '../service-context.ts';
import { TOPICS } from '../topics.ts';
import { createReceiver } from './index.ts';

let dir: string;
let url: string;
let service: RunningService;
let broker: ReturnType<typeof createSqliteBroker>;
let store: ReturnType<typeof createSqliteStore>;
const published: Delivery[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'inputbot-receiver-'));
  broker = createSqliteBroker({ path: path.join(dir, 'broker.db') });
  store = createSqliteStore({ path: path.join(dir, 'state.db') });
  await broker.subscribe(TOPICS.inputs, (delivery) => {
    published.push(delivery);
  });
  service = await createReceiver({ broker, store, logger: pino({ level: 'silent' }), stateDir: dir }, { port: 0 });
  url = `http://127.0.0.1:${service.port}/v1/inputs`;
});
afterAll(async () => {
  await service.close();
  await broker.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const publishedFor = async (id: string) => {
  await expect.poll(() => published.some((d) => d.id === id)).toBe(true);
  return published.filter((d) => d.id === id);
};

describe('receiver', () => {
  it('normalises, stores "received", publishes InputReceived keyed by conversation, and records a span', async () => {
    const res = await send(url, { body: { user: 'u1', text: '  Cafe\u0301 \t\n menu  ', data: { table: 4 } } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      id: expect.any(String),
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      conversationId: expect.any(String),
      duplicate: false,
    });
    const [delivery] = await publishedFor(res.body.id);
    expect(delivery?.orderingKey).toBe(res.body.conversationId);
    expect(delivery?.headers.traceparent).toMatch(new RegExp(`^00-${res.body.traceId}-[0-9a-f]{16}-01$`));
    expect(delivery?.payload).toEqual({
      v: 1,
      type: 'input.received',
      id: res.body.id,
      traceId: res.body.traceId,
      conversationId: res.body.conversationId,
      tenant: 'default',
      user: 'u1',
      channel: 'api',
      text: 'Caf\u00e9 menu',
      data: { table: 4 },
      receivedAt: expect.any(Number),
    });
    expect(await store.getMessage(res.body.id)).toMatchObject({ status: 'received', tenant: 'default', conversationId: res.body.conversationId });
    await expect.poll(async () => (await store.listSpans(res.body.traceId)).map((s) => [s.service, s.name])).toEqual([['receiver', 'receive']]);
  });

  it('continues a trace from traceparent and keeps given ids, channel and tenant', async () => {
    const traceId = 'a'.repeat(32);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${'b'.repeat(16)}-01` },
      body: JSON.stringify({ id: '3b241101-e2bb-4255-8caf-4136c566a962', user: 'u', text: 'hi', conversationId: 'c9', channel: 'slack', tenant: 'acme' }),
    });
    expect(await response.json()).toEqual({ id: '3b241101-e2bb-4255-8caf-4136c566a962', traceId, conversationId: 'c9', duplicate: false });
    const [delivery] = await publishedFor('3b241101-e2bb-4255-8caf-4136c566a962');
    expect(delivery?.payload).toMatchObject({ channel: 'slack', tenant: 'acme', conversationId: 'c9' });
    await expect.poll(async () => (await store.listSpans(traceId))[0]?.parentId).toBe('b'.repeat(16));
  });

  it('de-duplicates on idempotencyKey per tenant, publishing once', async () => {
    const body = { user: 'u', text: 'once', idempotencyKey: 'k-1' };
    const answers = await Promise.all([send(url, { body }), send(url, { body }), send(url, { body })]);
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    const ids = new Set(answers.map((a) => a.body.id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.body.duplicate)).toHaveLength(2);
    const other = await send(url, { body: { ...body, tenant: 'other' } });
    expect(other.body).toMatchObject({ duplicate: false });
    expect(other.body.id).not.toBe(answers[0]?.body.id);
    await publishedFor(other.body.id);
    expect(published.filter((d) => (d.payload as { idempotencyKey?: string }).idempotencyKey === 'k-1')).toHaveLength(2);
  });

  it('publishes again, under the recorded id, an input whose receiver died before publishing it', async () => {
    // What a receiver killed between recording the key and publishing leaves behind.
    const identity = { id: '6f9a2c1e-8d3b-4a5f-9e7c-1b2d3e4f5a6b', traceId: 'c'.repeat(32), conversationId: 'conv-crash' };
    await store.claim('input:default:k-crash');
    await store.complete('input:default:k-crash', { ...identity, published: false, recordedAt: Date.now() - 60_000 });
    const retry = await send(url, { body: { user: 'u', text: 'after a crash', idempotencyKey: 'k-crash' } });
    expect(retry).toMatchObject({ status: 202, body: { ...identity, duplicate: true } });
    expect(await publishedFor(identity.id)).toHaveLength(1);
    const again = await send(url, { body: { user: 'u', text: 'after a crash', idempotencyKey: 'k-crash' } });
    expect(again.body).toMatchObject({ id: identity.id, duplicate: true });
    await new Promise((r) => setTimeout(r, 100));
    expect(published.filter((d) => d.id === identity.id)).toHaveLength(1);
  });

  it('tells a retry to come back while another request holds the key and has published nothing', async () => {
    await store.claim('input:default:k-held');
    const res = await send(url, { body: { user: 'u', text: 'held key', idempotencyKey: 'k-held' } });
    expect(res).toMatchObject({ status: 409, body: { error: { code: 'IDEMPOTENCY_KEY_IN_USE' } } });
    expect(published.some((d) => (d.payload as { idempotencyKey?: string }).idempotencyKey === 'k-held')).toBe(false);
  });

  it.each([
    ['whitespace-only text without data', { user: 'u', text: ' \n\t ' }, 'INVALID_REQUEST'],
    ['a non-UUID id', { user: 'u', text: 't', id: 'x' }, 'INVALID_REQUEST'],
    ['an empty user', { user: '', text: 't' }, 'INVALID_REQUEST'],
    ['deep data', { user: 'u', text: 't', data: JSON.parse(`${'{"a":'.repeat(40)}1${'}'.repeat(40)}`) }, 'NESTING_TOO_DEEP'],
  ])('answers %s with 400 %s', async (_name, body, code) => {
    expect(await send(url, { body })).toMatchObject({ status: 400, body: { error: { code } } });
  });

  it('answers /healthz', async () => {
    expect(await send(url.replace('/v1/inputs', '/healthz'))).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('takes a batch of inputs, answering each on its own, and publishes the accepted ones', async () => {
    const traceId = 'c'.repeat(32);
    const res = await send(`${url}/batch`, {
      body: {
        inputs: [
          { input: { user: 'u1', text: 'first', conversationId: 'batch-c1' }, traceparent: `00-${traceId}-${'1'.repeat(16)}-01` },
          { input: { user: 'u1', text: 42 } },
          { input: { user: 'u2', text: 'second', idempotencyKey: 'batch-k' } },
          { input: { user: 'u2', text: 'second again', idempotencyKey: 'batch-k' } },
        ],
      },
    });
    expect(res.status).toBe(200);
    const results = res.body.results as { status: number; body: Record<string, unknown> }[];
    expect(results.map((r) => r.status)).toEqual([202, 400, 202, 202]);
    expect(results[0]?.body).toMatchObject({ traceId, conversationId: 'batch-c1', duplicate: false });
    expect(results[1]?.body).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
    // The same idempotency key within one batch still yields one message.
    expect(results[3]?.body).toMatchObject({ id: results[2]?.body.id, duplicate: true });
    await publishedFor(results[0]?.body.id as string);
    expect(await publishedFor(results[2]?.body.id as string)).toHaveLength(1);
  });

  it('refuses a malformed batch as a whole with a clear error', async () => {
    for (const body of [{ inputs: [] }, { inputs: 'no' }, { items: [{ input: {} }] }]) {
      const res = await send(`${url}/batch`, { body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_REQUEST');
    }
  });

  it('holds each input of a batch to the single-input body limit', async () => {
    const big = { user: 'u1', text: 'big', data: { blob: 'x'.repeat(70_000) } };
    const res = await send(`${url}/batch`, { body: { inputs: [{ input: big }, { input: { user: 'u1', text: 'small' } }] } });
    expect(res.status).toBe(200);
    const results = res.body.results as { status: number; body: Record<string, unknown> }[];
    expect(results.map((r) => r.status)).toEqual([413, 202]);
    expect(results[0]?.body).toMatchObject({ error: { code: 'BODY_TOO_LARGE' } });
  });
});
