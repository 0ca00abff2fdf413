// The provider for OpenAI and every server speaking its chat-completions API (Ollama, vLLM, LM Studio).
import type { ResolvedProvider } from '../config.ts';
import { UpstreamError } from '../errors.ts';
import { parseSse } from '../sse.ts';
import { type ChatChunk, isChatCompletion } from '../wire.ts';
import type { Provider } from './types.ts';
import { createUpstream, describe, readJson, type UpstreamResponse } from './upstream-http.ts';

/** A provider that forwards requests unchanged, asking for usage on streams. */
export function createOpenAiCompatibleProvider(provider: ResolvedProvider, connectTimeoutMs?: number): Provider {
  const upstream = createUpstream(
    `${provider.baseUrl}/chat/completions`,
    provider.apiKey ? { authorization: `Bearer ${provider.apiKey}` } : {},
    connectTimeoutMs,
  );
  return {
    async complete(request, options) {
      const body = await readJson(await upstream.post({ ...request, stream: false, stream_options: undefined }, options), options.signal);
      if (!isChatCompletion(body)) throw new UpstreamError('malformed', 'the provider answered JSON without a "choices" array');
      return body;
    },
    async stream(request, options) {
      const response = await upstream.post({ ...request, stream: true, stream_options: { include_usage: true } }, options);
      return readChunks(response, options.signal)[Symbol.asyncIterator]();
    },
    close: () => upstream.close(),
  };
}

async function* readChunks(response: UpstreamResponse, signal: AbortSignal): AsyncGenerator<ChatChunk> {
  let finished = false;
  try {
    for await (const event of parseSse(response.body)) {
      if (event.data === '[DONE]') return;
      let chunk: ChatChunk & { error?: { message?: string } };
      try {
        chunk = JSON.parse(event.data);
      } catch {
        throw new UpstreamError('malformed', `the provider streamed an event that is not JSON: ${JSON.stringify(event.data.slice(0, 60))}`);
      }
      if (chunk.error) throw new UpstreamError('status', `the provider streamed an error: ${chunk.error.message ?? 'unknown'}`, 500);
      if (!Array.isArray(chunk.choices)) throw new UpstreamError('malformed', 'the provider streamed a chunk without a "choices" array');
      if (chunk.choices.some((c) => c.finish_reason)) finished = true;
      yield chunk;
    }
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    if (signal.aborted) throw signal.reason;
    throw new UpstreamError('network', `the provider's stream broke: ${describe(error)}`);
  }
  // Some compatible servers omit [DONE]; a stream that said why it finished is complete.
  if (!finished) throw new UpstreamError('network', 'the provider closed the stream before it finished');
}
