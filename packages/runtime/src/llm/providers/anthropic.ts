// The Anthropic provider: the Messages API behind OpenAI's format, streaming included.
import type { ResolvedProvider } from '../config.ts';
import { UpstreamError } from '../errors.ts';
import { parseSse } from '../sse.ts';
import type { ChatChunk } from '../wire.ts';
import { createStreamTranslator, fromAnthropicResponse, toAnthropicRequest } from './anthropic-translate.ts';
import type { Provider } from './types.ts';
import { describe, postUpstream, readJson } from './upstream-http.ts';

const API_VERSION = '2023-06-01';

export function createAnthropicProvider(provider: ResolvedProvider): Provider {
  const url = `${provider.baseUrl}/v1/messages`;
  const headers: Record<string, string> = { 'anthropic-version': API_VERSION, ...(provider.apiKey && { 'x-api-key': provider.apiKey }) };
  return {
    async complete(request, options) {
      const response = await postUpstream(url, toAnthropicRequest(request, false), headers, options);
      return fromAnthropicResponse(await readJson(response, options.signal));
    },
    async stream(request, options) {
      const response = await postUpstream(url, toAnthropicRequest(request, true), headers, options);
      return readEvents(response, options.signal)[Symbol.asyncIterator]();
    },
  };
}

async function* readEvents(response: Response, signal: AbortSignal): AsyncGenerator<ChatChunk> {
  if (!response.body) throw new UpstreamError('malformed', 'Anthropic answered a stream without a body');
  const translator = createStreamTranslator();
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
