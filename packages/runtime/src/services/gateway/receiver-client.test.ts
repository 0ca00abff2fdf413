// The gateway's client for the receiver against a stand-in receiver on 127.0.0.1 that has no batch route
// (an older receiver mid-deploy): concurrent inputs still each get their own answer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createReceiverClient } from './receiver-client.ts';

let server: http.Server;
let baseUrl: string;
const seen: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      if (req.url !== '/v1/inputs') {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: { code: 'ROUTE_NOT_FOUND', message: 'no such route' } }));
        return;
      }
      const input = JSON.parse(body) as { text: string };
      if (input.text === 'bad') {
        res.statusCode = 400;
        res.end(JSON.stringify({ error: { code: 'INVALID_REQUEST', message: 'bad text' } }));
        return;
      }
      res.statusCode = 202;
      res.end(JSON.stringify({ id: `id-${input.text}`, traceId: 'a'.repeat(32), conversationId: 'c', duplicate: false }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it('falls back to one request per input when the receiver has no batch route', async () => {
  const client = createReceiverClient(baseUrl);
  const traceparent = `00-${'b'.repeat(32)}-${'1'.repeat(16)}-01`;
  const texts = ['one', 'two', 'bad', 'four'];
  const settled = await Promise.allSettled(texts.map((text) => client.forward({ user: 'u', text }, traceparent)));
  client.close();
  expect(seen[0]).toBe('/v1/inputs/batch');
  expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  expect(settled[0]).toMatchObject({ value: { id: 'id-one' } });
  expect(settled[2]).toMatchObject({ reason: { code: 'INVALID_REQUEST', statusCode: 400 } });
});
