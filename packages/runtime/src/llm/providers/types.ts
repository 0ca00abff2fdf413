// What every provider adapter offers the router: one chat call, answered in OpenAI's format whatever the provider speaks.
import type { ChatChunk, ChatCompletion, ChatRequest } from '../wire.ts';
import type { UpstreamCallOptions } from './upstream-http.ts';

export interface Provider {
  /** A whole answer. */
  complete(request: ChatRequest, options: UpstreamCallOptions): Promise<ChatCompletion>;
  /**
   * A stream of chunks, resolved once the provider answered 2xx. The last chunk carries `usage` (and no choices) whenever
   * the provider reported usage. A stream that ends early or carries an error rejects the iteration with an UpstreamError.
   */
  stream(request: ChatRequest, options: UpstreamCallOptions): Promise<AsyncIterator<ChatChunk>>;
  /** Closes the provider's idle connections when the gateway stops. */
  close(): Promise<void>;
}
