// /healthz, /readyz, /metrics and /openapi.json.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, send, startStack } from './__fixtures__/stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

describe('gateway: operations', () => {
  it('is healthy and ready', async () => {
    expect(await send(`${stack.url}/healthz`)).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await send(`${stack.url}/readyz`)).toMatchObject({ status: 200, body: { status: 'ready', checks: { receiver: true, broker: true } } });
  });

  it('counts requests by route and status, accepted messages, delivered replies and waiting requests', async () => {
    await send(`${stack.url}/v1/messages?wait=5000`, { body: { user: 'u', text: 'count me' } });
    await send(`${stack.url}/v1/messages`, { body: { user: 'u', text: 'x'.repeat(5000) } });
    await send(`${stack.url}/v1/messages/3b241101-e2bb-4255-8caf-4136c566a962`);
    const res = await send(`${stack.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/plain/);
    const lines = (res.body as string).split('\n').filter((line) => line.startsWith('inputbot_gateway_') && !line.includes('_bucket'));
    expect(lines).toEqual(
      expect.arrayContaining([
        'inputbot_gateway_requests_total{method="POST",route="/v1/messages",status="200"} 1',
        'inputbot_gateway_requests_total{method="POST",route="/v1/messages",status="400"} 1',
        'inputbot_gateway_requests_total{method="GET",route="/v1/messages/:id",status="404"} 1',
        'inputbot_gateway_request_duration_seconds_count{method="POST",route="/v1/messages"} 2',
        'inputbot_gateway_messages_accepted_total{duplicate="false"} 1',
        'inputbot_gateway_replies_delivered_total{via="wait"} 1',
        'inputbot_gateway_waiting_requests 0',
        'inputbot_gateway_event_streams 0',
      ]),
    );
    expect(res.body).toMatch(/^process_cpu_user_seconds_total /m);
  });

  it('serves an OpenAPI 3.1 document generated from the schemas', async () => {
    const res = await send(`${stack.url}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/healthz',
      '/llm/v1/chat/completions',
      '/llm/v1/models',
      '/metrics',
      '/readyz',
      '/v1/conversations/{id}/events',
      '/v1/messages',
      '/v1/messages/{id}',
      '/v1/prompts/{name}',
      '/v1/usage',
    ]);
    expect(doc.components.schemas.ChatRequest).toMatchObject({ type: 'object', required: expect.arrayContaining(['model', 'messages']) });
    expect(doc.paths['/v1/usage'].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['from', 'to']);
    const post = doc.paths['/v1/messages'].post;
    expect(post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/PostMessage' });
    expect(Object.keys(post.responses).sort()).toEqual(['200', '202', '400', '409', '413', '415', '503']);
    expect(post.parameters).toEqual([
      expect.objectContaining({ name: 'wait', in: 'query', required: false, schema: expect.objectContaining({ maximum: 30000 }) }),
    ]);
    expect(doc.paths['/v1/messages/{id}'].get.parameters[0]).toMatchObject({ name: 'id', in: 'path', required: true, schema: { format: 'uuid' } });
    const body = doc.components.schemas.PostMessage;
    expect(body).toMatchObject({
      type: 'object',
      required: ['user', 'text'],
      additionalProperties: false,
      properties: { text: { type: 'string', minLength: 1, maxLength: 4000 }, user: { type: 'string', minLength: 1, maxLength: 200 } },
    });
    expect(doc.components.schemas.Error.properties.error.required).toEqual(['code', 'message']);
    expect(JSON.stringify(doc)).not.toContain('$schema');
    // Every $ref points at a component.
    for (const [, name] of JSON.stringify(doc).matchAll(/"#\/components\/schemas\/(\w+)"/g)) expect(doc.components.schemas).toHaveProperty(name as string);
  });
});
