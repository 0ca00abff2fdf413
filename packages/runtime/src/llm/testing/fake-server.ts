// The scaffolding both fake providers share: a real HTTP server on 127.0.0.1, a script of behaviours, and served counts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { countTextTokens } from '../usage.ts';

/** What the fake does with the next request. Unscripted requests are answered `ok`. */
export type FakeBehaviour =
  /** A normal answer with correct usage. */
  | { kind: 'ok' }
  /** This status with a provider-shaped error body; `retryAfter` is sent as the Retry-After header (seconds). */
  | { kind: 'status'; status: number; retryAfter?: number }
  /** Accepts the request and never answers: no headers (a stream's `connect` timeout fires; a non-streamed call waits up to `firstToken`, its headers coming with the whole answer). */
  | { kind: 'hang' }
  /** Answers 200 headers, then nothing (the gateway's first-token timeout fires). */
  | { kind: 'stall' }
  /** A normal answer after `ms`, headers included (a long non-streamed generation). */
  | { kind: 'slow'; ms: number }
  /** Streams `afterChunks` content chunks (non-streaming: half the body), then drops the connection (or, with `hold`, goes silent). */
  | { kind: 'cut'; afterChunks?: number; hold?: boolean }
  /** A 200 whose body (or first stream event) is not JSON. */
  | { kind: 'malformed' }
  /** A normal answer without usage. */
  | { kind: 'no-usage' }
  /** A normal answer whose usage is nonsense (negative, non-integer). */
  | { kind: 'wrong-usage' };

/** What the fake served: every request, and the tokens of the answers it actually sent (its own count, not what it reported). */
export interface FakeCounts {
  requests: number;
  /** Answers that sent content (complete or cut). */
  served: number;
  inputTokens: number;
  outputTokens: number;
}

export interface FakeProvider {
  /** The base URL a provider config points at. */
  url: string;
  /** Every request body received, in order. */
  received: Array<{ path: string; headers: IncomingMessage['headers']; body: unknown }>;
  counts: FakeCounts;
  /** Queues behaviours for the next requests, in order. */
  script(...behaviours: FakeBehaviour[]): void;
  close(): Promise<void>;
}

export type FakeRoute = (
  request: { path: string; method: string; headers: IncomingMessage['headers']; body: unknown },
  behaviour: FakeBehaviour,
  response: ServerResponse,
  counts: FakeCounts,
) => Promise<void> | void;

/** Starts a fake on a free port of 127.0.0.1; `route` answers each request under the given behaviour. */
export async function startFakeServer(route: FakeRoute, urlSuffix: string): Promise<FakeProvider> {
  const queue: FakeBehaviour[] = [];
  const received: FakeProvider['received'] = [];
  const counts: FakeCounts = { requests: 0, served: 0, inputTokens: 0, outputTokens: 0 };
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    counts.requests++;
    received.push({ path, headers: request.headers, body });
    const behaviour = queue.shift() ?? { kind: 'ok' };
    if (behaviour.kind === 'hang') return;
    if (behaviour.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, behaviour.ms));
    if (behaviour.kind === 'stall') {
      response.writeHead(200, { 'content-type': (body as { stream?: boolean })?.stream ? 'text/event-stream' : 'application/json' });
      response.flushHeaders();
      return;
    }
    try {
      await route({ path, method: request.method ?? 'GET', headers: request.headers, body }, behaviour, response, counts);
    } catch (error) {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: String(error) } }));
    }
  });
  // Load the tokenizer now, so the first answer is not seconds late.
  await countTextTokens('warm up');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${urlSuffix}`,
    received,
    counts,
    script: (...behaviours) => queue.push(...behaviours),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends `json` with `status`. */
export function sendJson(response: ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(json);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

/** Sends half of `json` and drops the connection. */
export function sendCut(response: ServerResponse, json: unknown): void {
  const text = JSON.stringify(json);
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.write(text.slice(0, Math.floor(text.length / 2)));
  setTimeout(() => response.socket?.destroy(), 10);
}

/** The answer's pieces for streaming: words with their following spaces. */
export function splitWords(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}
