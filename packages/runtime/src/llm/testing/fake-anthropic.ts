// A fake Anthropic: a real HTTP server speaking the Messages API (JSON and SSE events with usage), with scripted failures.
import type { ServerResponse } from 'node:http';
import { countTextTokens } from '../usage.ts';
import { type FakeBehaviour, type FakeCounts, type FakeProvider, sendCut, sendJson, splitWords, startFakeServer } from './fake-server.ts';

export type { FakeBehaviour, FakeCounts, FakeProvider } from './fake-server.ts';

export interface FakeAnthropicOptions {
  /** When set, requests without `x-api-key: <apiKey>` get a 401. */
  apiKey?: string;
  /** Input tokens reported as read from the prompt cache. @default 0 */
  cacheReadTokens?: number;
  /** The answer's text; when the request forces a tool (structured output), the JSON of the tool's input. @default `Claude heard: <last user message>`, or `{"heard": …}` */
  reply?: (body: Record<string, unknown>) => string;
}

interface MessagesBody {
  model?: string;
  system?: string;
  max_tokens?: number;
  messages?: Array<{ role: string; content: string }>;
  stream?: boolean;
  tool_choice?: { type?: string; name?: string };
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/** Starts the fake; `url` is the base URL (requests go to `<url>/v1/messages`). */
export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeProvider> {
  let served = 0;
  return startFakeServer(async (request, behaviour, response, counts) => {
    if (options.apiKey && request.headers['x-api-key'] !== options.apiKey) {
      return sendJson(response, 401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
    }
    const body = request.body as MessagesBody;
    if (request.path !== '/v1/messages') return sendJson(response, 404, { type: 'error', error: { type: 'not_found_error', message: request.path } });
    if (!request.headers['anthropic-version'] || typeof body?.max_tokens !== 'number' || !Array.isArray(body.messages) || typeof body.model !== 'string') {
      return sendJson(response, 400, {
        type: 'error',
        error: { type: 'invalid_request_error', message: 'anthropic-version, model, max_tokens and messages are required' },
      });
    }
    if (body.messages.some((m) => m.role !== 'user' && m.role !== 'assistant')) {
      return sendJson(response, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'roles must be user or assistant' } });
    }
    if (behaviour.kind === 'status') {
      return sendJson(
        response,
        behaviour.status,
        { type: 'error', error: { type: ERROR_TYPES[behaviour.status] ?? 'api_error', message: `scripted ${behaviour.status}` } },
        behaviour.retryAfter === undefined ? {} : { 'retry-after': String(behaviour.retryAfter) },
      );
    }
    const last = body.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
    const tool = body.tool_choice?.type === 'tool' ? body.tool_choice.name : undefined;
    const text = options.reply?.(body as Record<string, unknown>) ?? (tool ? JSON.stringify({ heard: last }) : `Claude heard: ${last}`);
    let inputTokens = (await countTextTokens(body.system ?? '')) + 3;
    for (const message of body.messages) inputTokens += (await countTextTokens(message.content)) + 3;
    const cacheRead = Math.min(options.cacheReadTokens ?? 0, inputTokens);
    const id = `msg_${++served}`;
    const usage = { input_tokens: inputTokens - cacheRead, cache_read_input_tokens: cacheRead, cache_creation_input_tokens: 0 };
    if (body.stream) return streamEvents(response, { id, model: body.model, text, tool, inputTokens, usage, behaviour }, counts);
    if (behaviour.kind === 'malformed') {
      response.writeHead(200, { 'content-type': 'application/json' });
      return void response.end('{"type": "message", "content": [');
    }
    const outputTokens = await countTextTokens(text);
    const message = {
      id,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content: tool ? [{ type: 'tool_use', id: 'toolu_1', name: tool, input: JSON.parse(text) }] : [{ type: 'text', text }],
      stop_reason: tool ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      ...(behaviour.kind !== 'no-usage' && {
        usage: behaviour.kind === 'wrong-usage' ? { input_tokens: -3, output_tokens: 'lots' } : { ...usage, output_tokens: outputTokens },
      }),
    };
    if (behaviour.kind === 'cut') return sendCut(response, message);
    counts.served++;
    counts.inputTokens += inputTokens;
    counts.outputTokens += outputTokens;
    sendJson(response, 200, message);
  }, '');
}

async function streamEvents(
  response: ServerResponse,
  answer: { id: string; model: string; text: string; tool?: string; inputTokens: number; usage: object; behaviour: FakeBehaviour },
  counts: FakeCounts,
): Promise<void> {
  const { behaviour } = answer;
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (event: string, data: object) =>
    new Promise<void>((resolve) => response.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`, () => resolve()));
  if (behaviour.kind === 'malformed') return void response.end('event: message_start\ndata: {"type": "message_start", "message": \n\n');
  const withUsage = behaviour.kind !== 'no-usage';
  await send('message_start', {
    message: {
      id: answer.id,
      type: 'message',
      role: 'assistant',
      model: answer.model,
      content: [],
      stop_reason: null,
      ...(withUsage && { usage: { ...answer.usage, output_tokens: 1 } }),
    },
  });
  const { tool } = answer;
  await send('content_block_start', {
    index: 0,
    content_block: tool ? { type: 'tool_use', id: 'toolu_1', name: tool, input: {} } : { type: 'text', text: '' },
  });
  await send('ping', {});
  const words = splitWords(answer.text);
  const sendCount = behaviour.kind === 'cut' ? Math.min(behaviour.afterChunks ?? 2, words.length) : words.length;
  for (const word of words.slice(0, sendCount)) {
    await send('content_block_delta', { index: 0, delta: tool ? { type: 'input_json_delta', partial_json: word } : { type: 'text_delta', text: word } });
  }
  counts.served++;
  counts.inputTokens += answer.inputTokens;
  counts.outputTokens += await countTextTokens(words.slice(0, sendCount).join(''));
  if (behaviour.kind === 'cut') return void (behaviour.hold || response.socket?.destroy());
  await send('content_block_stop', { index: 0 });
  const outputTokens = await countTextTokens(answer.text);
  await send('message_delta', {
    delta: { stop_reason: tool ? 'tool_use' : 'end_turn', stop_sequence: null },
    ...(withUsage && { usage: { output_tokens: outputTokens } }),
  });
  await send('message_stop', {});
  response.end();
}
