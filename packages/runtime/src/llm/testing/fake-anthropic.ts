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
  /**
   * Scripts the answer's content blocks (text and `tool_use`) instead of `reply`; undefined falls back to `reply`. An answer
   * with a `tool_use` block stops with `tool_use`. Streamed, a tool's input JSON arrives in pieces of 8 characters.
   */
  content?: (body: Record<string, unknown>) => FakeAnthropicBlock[] | undefined;
}

/** A content block of a scripted answer. */
export type FakeAnthropicBlock = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

interface MessagesBody {
  model?: string;
  system?: string;
  max_tokens?: number;
  messages?: Array<{ role: string; content: string | Array<{ type: string; text?: string }> }>;
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
    const last = textOf(body.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '');
    const tool = body.tool_choice?.type === 'tool' ? body.tool_choice.name : undefined;
    const scripted = options.content?.(body as Record<string, unknown>);
    const text = options.reply?.(body as Record<string, unknown>) ?? (tool ? JSON.stringify({ heard: last }) : `Claude heard: ${last}`);
    const blocks: FakeAnthropicBlock[] =
      scripted ?? (tool ? [{ type: 'tool_use', id: 'toolu_1', name: tool, input: JSON.parse(text) }] : [{ type: 'text', text }]);
    let inputTokens = (await countTextTokens(body.system ?? '')) + 3;
    // Block content (images, tool calls and results) is counted as its JSON: a fake's count, consistent with what it reports.
    for (const message of body.messages) {
      const said = typeof message.content === 'string' ? message.content : JSON.stringify(message.content);
      inputTokens += (await countTextTokens(said)) + 3;
    }
    const cacheRead = Math.min(options.cacheReadTokens ?? 0, inputTokens);
    const id = `msg_${++served}`;
    const usage = { input_tokens: inputTokens - cacheRead, cache_read_input_tokens: cacheRead, cache_creation_input_tokens: 0 };
    if (body.stream) return streamEvents(response, { id, model: body.model, blocks, inputTokens, usage, behaviour }, counts);
    if (behaviour.kind === 'malformed') {
      response.writeHead(200, { 'content-type': 'application/json' });
      return void response.end('{"type": "message", "content": [');
    }
    const outputTokens = await countTextTokens(blocks.map(blockText).join(''));
    const message = {
      id,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content: blocks,
      stop_reason: blocks.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn',
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

/** A message's text: the string, or its text blocks joined. */
function textOf(content: string | Array<{ type: string; text?: string }>): string {
  return typeof content === 'string' ? content : content.map((block) => (block.type === 'text' ? (block.text ?? '') : '')).join('');
}

/** What a block says, for token counts: its text, or its tool input's JSON. */
function blockText(block: FakeAnthropicBlock): string {
  return block.type === 'text' ? block.text : JSON.stringify(block.input);
}

/** The deltas a block streams in: text by words; a tool's input JSON by words, or pieces of 8 characters when it has no spaces. */
function piecesOf(block: FakeAnthropicBlock): string[] {
  const text = blockText(block);
  if (block.type === 'text' || /\s/.test(text)) return splitWords(text);
  return text.match(/[\s\S]{1,8}/g) ?? [];
}

async function streamEvents(
  response: ServerResponse,
  answer: { id: string; model: string; blocks: FakeAnthropicBlock[]; inputTokens: number; usage: object; behaviour: FakeBehaviour },
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
  // `cut` counts deltas over every block.
  let budget = behaviour.kind === 'cut' ? (behaviour.afterChunks ?? 2) : Number.POSITIVE_INFINITY;
  let sent = '';
  for (const [index, block] of answer.blocks.entries()) {
    await send('content_block_start', { index, content_block: block.type === 'tool_use' ? { ...block, input: {} } : { type: 'text', text: '' } });
    if (index === 0) await send('ping', {});
    const pieces = piecesOf(block);
    const now = pieces.slice(0, Math.min(budget, pieces.length));
    budget -= now.length;
    for (const piece of now) {
      await send('content_block_delta', {
        index,
        delta: block.type === 'tool_use' ? { type: 'input_json_delta', partial_json: piece } : { type: 'text_delta', text: piece },
      });
    }
    sent += now.join('');
    if (now.length < pieces.length || (behaviour.kind === 'cut' && budget <= 0)) break;
    await send('content_block_stop', { index });
  }
  counts.served++;
  counts.inputTokens += answer.inputTokens;
  counts.outputTokens += await countTextTokens(sent);
  if (behaviour.kind === 'cut') return void (behaviour.hold || response.socket?.destroy());
  const outputTokens = await countTextTokens(answer.blocks.map(blockText).join(''));
  await send('message_delta', {
    delta: { stop_reason: answer.blocks.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn', stop_sequence: null },
    ...(withUsage && { usage: { output_tokens: outputTokens } }),
  });
  await send('message_stop', {});
  response.end();
}
