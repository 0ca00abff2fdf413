// The LLM gateway's error catalogue: every code a `/llm/v1` client can see, with its status, and the error that carries it.

/** Every code the LLM face answers with, and its HTTP status. */
export const LLM_ERRORS = {
  INVALID_REQUEST: 400,
  LLM_UNAUTHORIZED: 401,
  LLM_MODEL_NOT_FOUND: 404,
  LLM_UPSTREAM_REJECTED: 400,
  /** The request uses something the target's provider cannot express (e.g. audio parts for Anthropic). */
  LLM_UNSUPPORTED_CONTENT: 400,
  BUDGET_EXCEEDED: 429,
  LLM_RATE_LIMITED: 429,
  LLM_PROVIDER_AUTH_FAILED: 502,
  LLM_UPSTREAM_ERROR: 502,
  LLM_UPSTREAM_MALFORMED: 502,
  LLM_UPSTREAM_UNREACHABLE: 502,
  LLM_STREAM_INTERRUPTED: 502,
  LLM_PROVIDER_NOT_CONFIGURED: 503,
  LLM_TARGETS_COOLING_DOWN: 503,
  LLM_UPSTREAM_TIMEOUT: 504,
} as const;

export type LlmErrorCode = keyof typeof LLM_ERRORS;

/** An error a `/llm/v1` client sees as `{error: {code, message}}`; `status` defaults to the catalogue's. */
export class LlmError extends Error {
  override readonly name = 'LlmError';
  readonly status: number;
  /** Seconds the client should wait, sent as Retry-After. */
  readonly retryAfterS: number | undefined;
  constructor(
    readonly code: LlmErrorCode,
    message: string,
    options: { status?: number; retryAfterS?: number } = {},
  ) {
    super(message);
    this.status = options.status ?? LLM_ERRORS[code];
    this.retryAfterS = options.retryAfterS;
  }
}

/** How an attempt at one upstream target failed; the router decides from `kind` and `status` whether to retry or fall back. */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  constructor(
    readonly kind: 'status' | 'timeout' | 'network' | 'malformed',
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
