// Relays a provider's stream to the client as OpenAI SSE, collecting text and usage; a break mid-way ends with an error event.
import { toolCallsText } from './prompt-size.ts';
import { formatSseData, SSE_DONE } from './sse.ts';
import type { ChatChunk, ChatCompletion, WireUsage } from './wire.ts';

/** What a relayed stream delivered, for the ledger and the cache. */
export interface RelayResult {
  /** What the model wrote: its text, then its tool calls' names and arguments (the cache keeps no tool-call stream). */
  text: string;
  usage?: WireUsage;
  finishReason: string | null;
  hasToolCalls: boolean;
  /** Set when the stream did not finish: the code of the error event sent (or CLIENT_CLOSED). */
  errorCode?: string;
}

export interface RelayOptions {
  first: IteratorResult<ChatChunk>;
  rest: AsyncIterator<ChatChunk>;
  /** Pass the provider's usage chunk on (the client asked with `stream_options.include_usage`). */
  includeUsage: boolean;
  /** Names an error that ended the stream: `{code, message}` for the error event. */
  describeError(error: unknown): { code: string; message: string };
  /** Called once, however the stream ends (finished, broken or abandoned by the client). */
  onEnd(result: RelayResult): Promise<void>;
}

/** SSE lines for the client. Stopping the iteration early (client gone) stops the upstream stream and still awaits `onEnd`. */
export async function* relayStream(options: RelayOptions): AsyncGenerator<string> {
  const result: RelayResult = { text: '', finishReason: null, hasToolCalls: false };
  let last: string | undefined;
  try {
    for (let next = options.first; !next.done; next = await options.rest.next()) {
      const chunk = next.value;
      if (chunk.usage) result.usage = chunk.usage;
      for (const choice of chunk.choices) {
        if (typeof choice.delta?.content === 'string') result.text += choice.delta.content;
        if (Array.isArray(choice.delta?.tool_calls)) {
          result.hasToolCalls = true;
          result.text += toolCallsText(choice.delta.tool_calls);
        }
        if (choice.finish_reason) result.finishReason = choice.finish_reason;
      }
      if (chunk.choices.length === 0 && chunk.usage && !options.includeUsage) continue;
      yield formatSseData(options.includeUsage || !('usage' in chunk) ? chunk : withoutUsage(chunk));
    }
    last = SSE_DONE;
  } catch (error) {
    const described = options.describeError(error);
    result.errorCode = described.code;
    // Bytes have reached the client, so no retry: an explicit error event instead of a silent truncation.
    last = formatSseData({ error: { code: described.code, message: described.message, type: 'stream_error' } });
    await options.rest.return?.().catch(() => {});
  } finally {
    // Stopped at a yield: the client has gone.
    if (last === undefined) {
      result.errorCode ??= 'CLIENT_CLOSED';
      await options.rest.return?.().catch(() => {});
      await options.onEnd(result);
    }
  }
  // Recorded before the last event leaves: a client that has seen the end of the stream finds the call in the ledger.
  await options.onEnd(result);
  yield last;
}

function withoutUsage(chunk: ChatChunk): ChatChunk {
  const { usage: _usage, ...rest } = chunk;
  return rest as ChatChunk;
}

/** A cached answer replayed as a stream: role, content, finish, then usage if asked for. */
export function* replayAsStream(completion: ChatCompletion, includeUsage: boolean): Generator<string> {
  const base = { id: completion.id, object: 'chat.completion.chunk' as const, created: completion.created, model: completion.model };
  const choice = completion.choices[0];
  yield formatSseData({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
  if (choice?.message.content) yield formatSseData({ ...base, choices: [{ index: 0, delta: { content: choice.message.content }, finish_reason: null }] });
  // A cached tool-call answer: each call whole in one delta, as OpenAI's own streams may send it.
  const calls = Array.isArray(choice?.message.tool_calls) ? choice.message.tool_calls : [];
  for (const [index, call] of calls.entries()) {
    yield formatSseData({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index, ...(call as object) }] }, finish_reason: null }] });
  }
  yield formatSseData({ ...base, choices: [{ index: 0, delta: {}, finish_reason: choice?.finish_reason ?? 'stop' }] });
  if (includeUsage && completion.usage) yield formatSseData({ ...base, choices: [], usage: completion.usage });
  yield SSE_DONE;
}

/** The answer a finished stream amounts to, for the cache. */
export function completionFromStream(first: ChatChunk | undefined, result: RelayResult): ChatCompletion {
  return {
    id: first?.id ?? 'chatcmpl-cached',
    object: 'chat.completion',
    created: first?.created ?? Math.floor(Date.now() / 1000),
    model: first?.model ?? 'unknown',
    choices: [{ index: 0, message: { role: 'assistant', content: result.text }, finish_reason: result.finishReason ?? 'stop' }],
    ...(result.usage && { usage: result.usage }),
  };
}
