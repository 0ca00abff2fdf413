// encode/decode: validate a message on publish and on consume, returning a typed error value instead of throwing.
import type { z } from 'zod';
import { CONTRACT_VERSION } from './envelope.ts';
import type { ErrorData } from './error-data.ts';

/** `CONTRACT_INVALID`: the value does not match the schema. `CONTRACT_VERSION`: a schema version this build does not know. */
export type ContractErrorCode = 'CONTRACT_INVALID' | 'CONTRACT_VERSION';

/**
 * A message that failed validation. Always non-retryable: the same bytes fail the same way on every redelivery,
 * so a consumer that throws it sends the message straight to the dead-letter queue.
 */
export class ContractError extends Error {
  override readonly name = 'ContractError';
  readonly nonRetryable = true;
  constructor(
    readonly code: ContractErrorCode,
    readonly direction: 'encode' | 'decode',
    message: string,
    /** zod's issues: path, code, message. */
    readonly details: { path: string; message: string }[],
  ) {
    super(message);
  }

  /** The error as data, to put in a result or a dead letter. */
  toData(): ErrorData {
    return { code: this.code, message: this.message, nonRetryable: true, details: this.details };
  }
}

/** `ok` with the parsed value, or the {@link ContractError}. */
export type CodecResult<T> = { ok: true; value: T } | { ok: false; error: ContractError };

/** Validates a message before it is published; the value returned is what to publish (unknown keys stripped). */
export function encode<S extends z.ZodType>(schema: S, value: z.input<S>): CodecResult<z.output<S>> {
  return check(schema, value, 'encode');
}

/** Validates a consumed payload. A `v` other than {@link CONTRACT_VERSION} fails with `CONTRACT_VERSION`. */
export function decode<S extends z.ZodType>(schema: S, payload: unknown): CodecResult<z.output<S>> {
  return check(schema, payload, 'decode');
}

function check<S extends z.ZodType>(schema: S, value: unknown, direction: 'encode' | 'decode'): CodecResult<z.output<S>> {
  const version = typeof value === 'object' && value !== null ? (value as { v?: unknown }).v : undefined;
  if (version !== undefined && version !== CONTRACT_VERSION) {
    const message = `message schema version ${JSON.stringify(version)} is not supported (this build reads v${CONTRACT_VERSION}); upgrade the service that ${direction === 'decode' ? 'consumes' : 'publishes'} it`;
    return { ok: false, error: new ContractError('CONTRACT_VERSION', direction, message, [{ path: 'v', message }]) };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const details = parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  const summary = details
    .slice(0, 3)
    .map((d) => (d.path ? `${d.path}: ${d.message}` : d.message))
    .join('; ');
  return { ok: false, error: new ContractError('CONTRACT_INVALID', direction, `invalid message (${direction}): ${summary}`, details) };
}
