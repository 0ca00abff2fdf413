// The message path end to end: gateway -> receiver -> broker -> fake pipeline -> results -> gateway.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, send, startStack } from './__fixtures__/stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ gateway: { heartbeatMs: 100 } });
});
afterAll(() => stack.close());

describe('gateway + receiver', () => {
  it('answers ?wait with the reply', async () => {
    const res = await send(`${stack.url}/v1/messages?wait=5000`, { body: { user: 'u1', text: '  hello \n  world  ' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.any(String),
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      conversationId: expect.any(String),
      status: 'completed',
      intent: 'echo',
      reply: 'echo: hello world',
      data: { n: 1 },
    });
  });

  it('takes JSON labelled as a form, as `curl -d` sends it', async () => {
    const res = await send(`${stack.url}/v1/messages?wait=5000`, { raw: '{"user":"ana","text":"hi there"}', contentType: 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed', reply: 'echo: hi there' });
  });

  it('answers a clarification to ?wait with the question', async () => {
    const res = await send(`${stack.url}/v1/messages?wait=5000`, { body: { user: 'u1', text: 'please clarify', conversationId: 'conv-c' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      conversationId: 'conv-c',
      status: 'clarifying',
      intent: 'echo',
      reply: 'Echo what?',
      ask: { kind: 'slot', entity: 'what' },
    });
  });

  it('answers a failed action with its code and user-safe reply, keeping what the action threw out of the body', async () => {
    const res = await send(`${stack.url}/v1/messages?wait=5000`, { body: { user: 'u1', text: 'this will fail' } });
    expect(res.status).toBe(200);
    const error = { code: 'ACTION_FAILED', message: `the action failed; the details are in its trace (bot traces ${res.body.traceId})` };
    expect(res.body).toMatchObject({ status: 'failed', reply: 'Sorry, that did not work.', error });
    const stored = await send(`${stack.url}/v1/messages/${res.body.id}`);
    expect(stored.body).toMatchObject({ status: 'failed', error });
    expect(JSON.stringify([res.body, stored.body])).not.toContain('db.internal');
  });

  it('answers 202 pending when the reply is later than ?wait', async () => {
    const res = await send(`${stack.url}/v1/messages?wait=20`, { body: { user: 'u1', text: 'slow one' } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'pending', id: expect.any(String) });
  });

  it('answers 202 without wait, and GET shows the status, then the reply', async () => {
    const res = await send(`${stack.url}/v1/messages`, { body: { user: 'u1', text: 'slow path', channel: 'test' } });
    expect(res.status).toBe(202);
    expect(Object.keys(res.body).sort()).toEqual(['conversationId', 'id', 'traceId']);
    const first = await send(`${stack.url}/v1/messages/${res.body.id}`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: res.body.id, traceId: res.body.traceId, tenant: 'default', status: expect.stringMatching(/received|completed/) });
    await expect.poll(async () => (await send(`${stack.url}/v1/messages/${res.body.id}`)).body.status, { timeout: 5000 }).toBe('completed');
    expect((await send(`${stack.url}/v1/messages/${res.body.id}`)).body).toMatchObject({ reply: 'echo: slow path', intent: 'echo' });
  });

  it('publishes once for a repeated idempotencyKey and returns the first ids', async () => {
    const body = { user: 'u2', text: 'pay the invoice', idempotencyKey: 'key-1' };
    const first = await send(`${stack.url}/v1/messages?wait=5000`, { body });
    const second = await send(`${stack.url}/v1/messages?wait=5000`, { body: { ...body, text: 'something else' } });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(expect.objectContaining({ id: first.body.id, traceId: first.body.traceId, conversationId: first.body.conversationId }));
    expect(second.body.reply).toBe('echo: pay the invoice');
    const published = stack.inputs.filter((input) => (input as { idempotencyKey?: string }).idempotencyKey === 'key-1');
    expect(published).toHaveLength(1);
    // The receiver says so itself.
    const direct = await send(`${stack.receiverUrl}/v1/inputs`, { body });
    expect(direct).toMatchObject({ status: 202, body: { id: first.body.id, duplicate: true } });
  });

  it('answers many concurrent messages each with its own reply and trace (inputs reach the receiver in batches)', async () => {
    const texts = Array.from({ length: 40 }, (_, i) => `burst ${i}`);
    const answers = await Promise.all(texts.map((text) => send(`${stack.url}/v1/messages?wait=5000`, { body: { user: 'u3', text } })));
    expect(answers.map((a) => a.status)).toEqual(texts.map(() => 200));
    expect(answers.map((a) => a.body.reply)).toEqual(texts.map((t) => `echo: ${t}`));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(texts.length);
    for (const answer of answers.slice(0, 5)) {
      await expect.poll(async () => (await stack.store.listSpans(answer.body.traceId)).length, { timeout: 2000 }).toBe(2);
      const spans = await stack.store.listSpans(answer.body.traceId);
      const gateway = spans.find((s) => s.service === 'gateway');
      expect(spans.find((s) => s.service === 'receiver')).toMatchObject({ parentId: gateway?.spanId });
    }
  });

  it('records the spans of the gateway and the receiver in one trace', async () => {
    const res = await send(`${stack.url}/v1/messages?wait=5000`, { body: { user: 'u1', text: 'trace me' } });
    await expect.poll(async () => (await stack.store.listSpans(res.body.traceId)).length, { timeout: 2000 }).toBe(2);
    const spans = await stack.store.listSpans(res.body.traceId);
    const gateway = spans.find((s) => s.service === 'gateway');
    const receiver = spans.find((s) => s.service === 'receiver');
    expect(gateway).toMatchObject({ name: 'POST /v1/messages', attributes: { status: 200 } });
    expect(receiver).toMatchObject({ name: 'receive', parentId: gateway?.spanId });
  });

  it('streams recognized, clarification and reply events of its conversation only, with heartbeats', async () => {
    const controller = new AbortController();
    const response = await fetch(`${stack.url}/v1/conversations/conv-sse/events`, { signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    if (!response.body) throw new Error('no stream body');
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}`);
        text += value;
      }
    };
    await readUntil(/: connected/);
    await send(`${stack.url}/v1/messages`, { body: { user: 'u3', text: 'another conversation', conversationId: 'conv-other' } });
    const asked = await send(`${stack.url}/v1/messages`, { body: { user: 'u3', text: 'clarify this', conversationId: 'conv-sse' } });
    await readUntil(/event: clarification/);
    const mine = await send(`${stack.url}/v1/messages`, { body: { user: 'u3', text: 'mine', conversationId: 'conv-sse' } });
    await readUntil(/event: reply/);
    await readUntil(/: heartbeat/);
    controller.abort();
    const events = text
      .split('\n\n')
      .filter((frame) => frame.includes('event: '))
      .map((frame) => ({ event: /event: (\w+)/.exec(frame)?.[1], data: JSON.parse(/data: (.*)/.exec(frame)?.[1] ?? 'null') }));
    expect(events).toEqual([
      {
        event: 'recognized',
        data: { inputId: asked.body.id, traceId: asked.body.traceId, intent: 'echo', confidence: 0.9, entities: { said: 'clarify this' } },
      },
      {
        event: 'clarification',
        data: { inputId: asked.body.id, traceId: asked.body.traceId, intent: 'echo', ask: { kind: 'slot', entity: 'what' }, text: 'Echo what?' },
      },
      { event: 'recognized', data: { inputId: mine.body.id, traceId: mine.body.traceId, intent: 'echo', confidence: 0.9, entities: { said: 'mine' } } },
      { event: 'reply', data: { inputId: mine.body.id, traceId: mine.body.traceId, intent: 'echo', status: 'completed', reply: 'echo: mine' } },
    ]);
    // The gateway noticed the client went.
    await expect.poll(async () => (await send(`${stack.url}/metrics`)).body).toMatch(/inputbot_gateway_event_streams 0/);
  });
});
