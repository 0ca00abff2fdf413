// The Anthropic provider: the Messages API behind OpenAI's format, streaming included.
import type { ResolvedProvider } from '../config.ts';
import { UpstreamError } from '../errors.ts';
import { parseSse } from '../sse.ts';
import type { ChatChunk } from '../wire.ts';
import { createStreamTranslator, fromAnthropicResponse, toAnthropicRequest } from './anthropic-translate.ts';
import type { Provider } from './types.ts';
import { createUpstream, describe, readJson, type UpstreamResponse } from './upstream-http.ts';

const API_VERSION = '2023-06-01';

export function createAnthropicProvider(provider: ResolvedProvider, connectTimeoutMs?: number): Provider {
  const headers: Record<string, string> = { 'anthropic-version': API_VERSION, ...(provider.apiKey && { 'x-api-key': provider.apiKey }) };
  const upstream = createUpstream(`${provider.baseUrl}/v1/messages`, headers, connectTimeoutMs);
  return {
    async complete(request, options) {
      const call = toAnthropicRequest(request, false);
      const response = await upstream.post(call.body, options);
      return fromAnthropicResponse(await readJson(response, options.signal), call.structured);
    },
    async stream(request, options) {
      const call = toAnthropicRequest(request, true);
      const response = await upstream.post(call.body, options);
      return readEvents(response, options.signal, call.structured)[Symbol.asyncIterator]();
    },
    close: () => upstream.close(),
  };
}

async function* readEvents(response: UpstreamResponse, signal: AbortSignal, structured: boolean): AsyncGenerator<ChatChunk> {
  const translator = createStreamTranslator(structured);
  try {
    for await (const event of parseSse(response.body)) {
      let data: Record<string, unknown>;
      try {
        data = JSON.parse(event.data);
      } catch {
        throw new UpstreamError('malformed', `Anthropic streamed an event that is not JSON: ${JSON.stringify(event.data.slice(0, 60))}`);
      }
      yield* translator.push(event.event, data);
      if (translator.stopped) return;
    }
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    if (signal.aborted) throw signal.reason;
    throw new UpstreamError('network', `Anthropic's stream broke: ${describe(error)}`);
  }
  throw new UpstreamError('network', 'Anthropic closed the stream before message_stop');
}
