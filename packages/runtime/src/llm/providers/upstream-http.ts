// One HTTP request to a provider: a non-2xx answer, a refused connection or a body that is not JSON becomes an UpstreamError.
import { UpstreamError } from '../errors.ts';

export interface UpstreamCallOptions {
  /** Aborted by the router on a timeout, or when the client leaves. */
  signal: AbortSignal;
  /** Called when the provider's headers arrive, so the router can switch from the connect to the first-token timeout. */
  onHeaders?: () => void;
}

/** POSTs `body` as JSON and resolves the response once its status is 2xx. */
export async function postUpstream(url: string, body: unknown, headers: Record<string, string>, options: UpstreamCallOptions): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      body: JSON.stringify(body),
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal.aborted) throw options.signal.reason;
    throw new UpstreamError('network', `could not reach ${new URL(url).host}: ${describe(error)}`);
  }
  options.onHeaders?.();
  if (response.ok) return response;
  const text = await readText(response, options.signal);
  throw new UpstreamError(
    'status',
    `${new URL(url).host} answered ${response.status}: ${errorMessageOf(text)}`,
    response.status,
    retryAfterMs(response.headers),
  );
}

/** The body as JSON; a body that does not parse is `malformed`. */
export async function readJson(response: Response, signal: AbortSignal): Promise<unknown> {
  const text = await readText(response, signal);
  try {
    return JSON.parse(text);
  } catch {
    throw new UpstreamError('malformed', `the provider answered with a body that is not JSON (${text.length} bytes: ${JSON.stringify(text.slice(0, 60))})`);
  }
}

async function readText(response: Response, signal: AbortSignal): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new UpstreamError('network', `the provider closed the connection mid-answer: ${describe(error)}`);
  }
}

/** The wait a 429/503 asks for: `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers): number | undefined {
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.has('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (value === null) return undefined;
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

/** A network error's cause, which undici hides one level down. */
export function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
