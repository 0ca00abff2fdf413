// A fake OpenAI: a real HTTP server speaking chat completions (JSON and SSE with a usage chunk), with scripted failures.
import type { ServerResponse } from 'node:http';
import { countTextTokens, estimateInputTokens } from '../usage.ts';
import { type ChatMessage, contentText } from '../wire.ts';
import { type FakeBehaviour, type FakeCounts, type FakeProvider, sendCut, sendJson, splitWords, startFakeServer } from './fake-server.ts';

export type { FakeBehaviour, FakeCounts, FakeProvider } from './fake-server.ts';

export interface FakeOpenAiOptions {
  /** The answer's text (for structured output, the JSON). @default `You said: <last user message>` */
  reply?: (messages: ChatMessage[], body: Record<string, unknown>) => string;
  /** When set, requests without `Authorization: Bearer <apiKey>` get a 401. */
  apiKey?: string;
  /**
   * Prompt tokens the fake counts beyond what the gateway's tokenizer would (a provider's hidden framing), so a test
   * can tell the usage the provider reported from the gateway's own estimate. @default 0
   */
  extraPromptTokens?: number;
}

interface ChatBody {
  model?: string;
  messages?: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
}

/** Starts the fake; `url` ends in `/v1`, like OPENAI_BASE_URL. Prompt tokens are counted as the gateway estimates them, plus `extraPromptTokens`. */
export async function startFakeOpenAi(options: FakeOpenAiOptions = {}): Promise<FakeProvider> {
  const reply = options.reply ?? ((messages) => `You said: ${contentText(messages.filter((m) => m.role === 'user').at(-1)?.content)}`);
  let served = 0;
  return startFakeServer(async (request, behaviour, response, counts) => {
    if (options.apiKey && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendJson(response, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
    }
    if (request.method === 'GET' && request.path === '/v1/models') {
      return sendJson(response, 200, { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created: 0, owned_by: 'fake' }] });
    }
    if (request.path !== '/v1/chat/completions') return sendJson(response, 404, { error: { message: `no route ${request.path}` } });
    const body = request.body as ChatBody;
    if (!Array.isArray(body?.messages) || typeof body.model !== 'string')
      return sendJson(response, 400, { error: { message: 'model and messages are required' } });
    if (behaviour.kind === 'status') {
      return sendJson(
        response,
        behaviour.status,
        { error: { message: `scripted ${behaviour.status}`, type: 'server_error' } },
        behaviour.retryAfter === undefined ? {} : { 'retry-after': String(behaviour.retryAfter) },
      );
    }
    const text = reply(body.messages, body as Record<string, unknown>);
    const inputTokens = (await estimateInputTokens({ ...body, messages: body.messages ?? [] })) + (options.extraPromptTokens ?? 0);
    const id = `chatcmpl-${++served}`;
    const created = Math.floor(Date.now() / 1000);
    if (body.stream)
      return streamAnswer(
        response,
        { id, created, model: body.model, text, inputTokens, behaviour, includeUsage: body.stream_options?.include_usage === true },
        counts,
      );
    if (behaviour.kind === 'malformed') return sendJsonText(response, '{"id": "chatcmpl-broken", "choices": [');
    const outputTokens = await countTextTokens(text);
    const completion = {
      id,
      object: 'chat.completion',
      created,
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      ...usageFor(behaviour, inputTokens, outputTokens),
    };
    if (behaviour.kind === 'cut') return sendCut(response, completion);
    counts.served++;
    counts.inputTokens += inputTokens;
    counts.outputTokens += outputTokens;
    sendJson(response, 200, completion);
  }, '/v1');
}

function usageFor(behaviour: FakeBehaviour, input: number, output: number): { usage?: unknown } {
  if (behaviour.kind === 'no-usage') return {};
  if (behaviour.kind === 'wrong-usage') return { usage: { prompt_tokens: -1, completion_tokens: 'many', total_tokens: null } };
  return { usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output, prompt_tokens_details: { cached_tokens: 0 } } };
}

function sendJsonText(response: ServerResponse, text: string): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(text);
}

async function streamAnswer(
  response: ServerResponse,
  answer: { id: string; created: number; model: string; text: string; inputTokens: number; behaviour: FakeBehaviour; includeUsage: boolean },
  counts: FakeCounts,
): Promise<void> {
  const { id, created, model, behaviour } = answer;
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  if (behaviour.kind === 'malformed') {
    response.end('data: {"id": "chatcmpl-broken", "choices": [\n\n');
    return;
  }
  const chunk = (delta: object, finish: string | null = null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const write = (value: unknown) => new Promise<void>((resolve) => response.write(`data: ${JSON.stringify(value)}\n\n`, () => resolve()));
  const words = splitWords(answer.text);
  const sendCount = behaviour.kind === 'cut' ? Math.min(behaviour.afterChunks ?? 2, words.length) : words.length;
  await write(chunk({ role: 'assistant', content: '' }));
  for (const word of words.slice(0, sendCount)) await write(chunk({ content: word }));
  const sentText = words.slice(0, sendCount).join('');
  counts.served++;
  counts.inputTokens += answer.inputTokens;
  counts.outputTokens += await countTextTokens(sentText);
  if (behaviour.kind === 'cut') {
    if (!behaviour.hold) response.socket?.destroy();
    return;
  }
  await write(chunk({}, 'stop'));
  if (answer.includeUsage) {
    const usage = usageFor(behaviour, answer.inputTokens, await countTextTokens(answer.text)).usage;
    if (usage) await write({ id, object: 'chat.completion.chunk', created, model, choices: [], usage });
  }
  response.end('data: [DONE]\n\n');
}
