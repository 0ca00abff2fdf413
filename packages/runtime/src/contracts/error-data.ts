// Errors as data: what crosses a process boundary when something fails, so the receiver decides without parsing text.
import { z } from 'zod';

/** A failure as data. `nonRetryable` tells a consumer to give up at once instead of retrying. */
export const ErrorDataSchema = z.object({
  /** Stable, machine-readable, e.g. `ACTION_TIMEOUT`, `CONTRACT_INVALID`. */
  code: z.string().min(1).max(200),
  message: z.string().max(10_000),
  nonRetryable: z.boolean(),
  /** JSON-serialisable extra detail (validation issues, HTTP status…). */
  details: z.unknown().optional(),
});

export type ErrorData = z.infer<typeof ErrorDataSchema>;

/**
 * Converts anything thrown into {@link ErrorData}. Reads `code`, `nonRetryable` and `details` off the value
 * (never `instanceof`, which fails across copies of a library); other errors become retryable `UNKNOWN`s.
 */
export function toErrorData(thrown: unknown): ErrorData {
  if (typeof thrown === 'object' && thrown !== null) {
    const record = thrown as Record<string, unknown>;
    const code = typeof record.code === 'string' && record.code !== '' ? record.code : typeof record.name === 'string' ? record.name : 'UNKNOWN';
    const message = typeof record.message === 'string' ? record.message : safeString(thrown);
    const data: ErrorData = { code, message: message.slice(0, 10_000), nonRetryable: record.nonRetryable === true };
    if (record.details !== undefined && isJsonSafe(record.details)) data.details = record.details;
    return data;
  }
  return { code: 'UNKNOWN', message: safeString(thrown).slice(0, 10_000), nonRetryable: false };
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}

function isJsonSafe(value: unknown): boolean {
  try {
    JSON.stringify(value);
    return true;
  } catch {
    return false;
  }
}
