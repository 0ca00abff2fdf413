// The HTTP error catalogue: every error a client can see, with its status, as `{error: {code, message}}`.
import { z } from 'zod';

/** Every code an HTTP service answers with, and its status. */
export const HTTP_ERRORS = {
  INVALID_JSON: 400,
  INVALID_UTF8: 400,
  INVALID_REQUEST: 400,
  INVALID_CONTENT_LENGTH: 400,
  BAD_URL: 400,
  NESTING_TOO_DEEP: 400,
  LLM_UNAUTHORIZED: 401,
  MESSAGE_NOT_FOUND: 404,
  PROMPT_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  IDEMPOTENCY_KEY_IN_USE: 409,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  BUDGET_EXCEEDED: 429,
  LLM_RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  RECEIVER_FAILED: 502,
  LLM_FAILED: 502,
  OUTPUT_INVALID: 502,
  RECEIVER_UNAVAILABLE: 503,
  NOT_READY: 503,
  SHUTTING_DOWN: 503,
} as const;

export type HttpErrorCode = keyof typeof HTTP_ERRORS;

/** An error meant for the client: thrown in a handler, answered by the error handler with its status and code. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly statusCode: number;
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.statusCode = HTTP_ERRORS[code];
  }
}

/** The body of every error answer. */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string().meta({ description: 'Stable, machine-readable, e.g. INVALID_REQUEST.' }),
    message: z.string().meta({ description: 'What went wrong and what to do about it.' }),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** `{error: {code, message}}`, plus details when there are some. */
export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

/** An INVALID_REQUEST that names the fields zod rejected, e.g. `body.text: Too big: expected string to have <=4000 characters`. */
export function invalidRequest(where: 'body' | 'query' | 'params', error: z.ZodError): HttpError {
  const issues = error.issues.map((issue) => ({ field: [where, ...issue.path.map(String)].join('.'), message: issue.message }));
  const summary = issues
    .slice(0, 3)
    .map((i) => `${i.field}: ${i.message}`)
    .join('; ');
  return new HttpError('INVALID_REQUEST', `invalid request: ${summary}`, issues);
}
