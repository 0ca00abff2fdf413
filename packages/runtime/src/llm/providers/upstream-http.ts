// One HTTP request to a provider: a non-2xx answer, a refused connection or a body that is not JSON becomes an UpstreamError.
// The calls go through an undici Pool per provider rather than the global fetch: fetch wraps every request and answer in
// web streams, Headers and abort-signal plumbing that cost a gateway a large share of its CPU per call (docs/benchmarks.md).
import type { Dispatcher, Pool } from 'undici';
import { UpstreamError } from '../errors.ts';

export interface UpstreamCallOptions {
  /** Aborted by the router on a timeout, or when the client leaves. */
  signal: AbortSignal;
  /** Called when the provider's headers arrive, so the router can switch from the connect to the first-token timeout. */
  onHeaders?: () => void;
}

/** A provider's answer once its status is 2xx; `body` must be read or destroyed. */
export type UpstreamResponse = Dispatcher.ResponseData;

/** One provider endpoint: the URL it POSTs to, with its keep-alive connections. */
export interface Upstream {
  post(body: unknown, options: UpstreamCallOptions): Promise<UpstreamResponse>;
  /** Closes the connections, cutting calls still in flight. */
  close(): Promise<void>;
}

/** An endpoint at `url`; `headers` (the provider's key, its API version) go with every request. */
export function createUpstream(url: string, headers: Record<string, string>, connectTimeoutMs = 10_000): Upstream {
  const parsed = new URL(url);
  const host = parsed.host;
  const path = `${parsed.pathname}${parsed.search}`;
  // undici's own header and body timeouts (300 s each) are off: the router's timeouts (config `llm.timeouts`) bound
  // every call through its signal. Its connect timeout is the configured one. Loaded on the first call: a gateway
  // that proxies no LLM call never loads undici (~15 MB of memory).
  let pool: Promise<Pool> | undefined;
  const connection = () => {
    pool ??= import('undici').then(({ Pool }) => new Pool(parsed.origin, { headersTimeout: 0, bodyTimeout: 0, connect: { timeout: connectTimeoutMs } }));
    return pool;
  };
  const allHeaders = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers };
  return {
    async post(body, options) {
      let response: UpstreamResponse;
      try {
        response = await (await connection()).request({ path, method: 'POST', headers: allHeaders, body: JSON.stringify(body), signal: options.signal });
      } catch (error) {
        if (options.signal.aborted) throw options.signal.reason;
        throw new UpstreamError('network', `could not reach ${host}: ${describe(error)}`);
      }
      options.onHeaders?.();
      if (response.statusCode >= 200 && response.statusCode < 300) return response;
      const text = await readText(response, options.signal);
      throw new UpstreamError(
        'status',
        `${host} answered ${response.statusCode}: ${errorMessageOf(text)}`,
        response.statusCode,
        retryAfterMs(response.headers),
      );
    },
    // Calls still running (a stream) are cut rather than waited for: the gateway is shutting down.
    close: async () => {
      await (await pool)?.destroy();
    },
  };
}

/** The body as JSON; a body that does not parse is `malformed`. */
export async function readJson(response: UpstreamResponse, signal: AbortSignal): Promise<unknown> {
  const text = await readText(response, signal);
  try {
    return JSON.parse(text);
  } catch {
    throw new UpstreamError('malformed', `the provider answered with a body that is not JSON (${text.length} bytes: ${JSON.stringify(text.slice(0, 60))})`);
  }
}

async function readText(response: UpstreamResponse, signal: AbortSignal): Promise<string> {
  try {
    return await response.body.text();
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new UpstreamError('network', `the provider closed the connection mid-answer: ${describe(error)}`);
  }
}

/** The wait a 429/503 asks for: `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: UpstreamResponse['headers']): number | undefined {
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const msText = header('retry-after-ms');
  const ms = Number(msText);
  if (msText !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  const value = header('retry-after');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function errorMessageOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const message = typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message);
    if (typeof message === 'string') return message.slice(0, 300);
  } catch {}
  return text.slice(0, 300) || '(no body)';
}

/** A network error in a few words: the system code (ECONNREFUSED), else undici's message, or its cause's. */
export function describe(error: unknown): string {
  const own = error as { code?: unknown; cause?: { code?: string; message?: string } } | undefined;
  if (typeof own?.code === 'string' && /^E[A-Z]+$/.test(own.code)) return own.code;
  if (own?.code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect timeout';
  if (own?.code === 'UND_ERR_SOCKET') return own.cause?.code ?? 'connection reset';
  return own?.cause?.code ?? own?.cause?.message ?? (error instanceof Error ? error.message : String(error));
}
