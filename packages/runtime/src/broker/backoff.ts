// Nack backoff: exponential, capped, with jitter.
import type { BackoffOptions } from './types.ts';

/** The resolved backoff settings. */
export type ResolvedBackoff = Required<BackoffOptions>;

export const DEFAULT_BACKOFF: ResolvedBackoff = { initialMs: 1000, maxMs: 60_000, jitter: 0.2 };

/** Milliseconds to wait before redelivering a message whose `attempt`-th delivery failed. */
export function backoffDelay(attempt: number, backoff: ResolvedBackoff, random: () => number = Math.random): number {
  const base = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, attempt - 1));
  const spread = base * backoff.jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(base + spread));
}

/** The delay a handler asked for by throwing a value with a finite, non-negative `retryAfterMs`, if it did. */
export function retryAfterOf(thrown: unknown): number | undefined {
  return delayOf(thrown, 'retryAfterMs');
}

/**
 * The delay a handler asked for by throwing a value with `deferMs`: not a failure but "not yet" (the work is
 * someone else's for now), so the redelivery does not use up an attempt. Undefined when it did not ask.
 */
export function deferredBy(thrown: unknown): number | undefined {
  return delayOf(thrown, 'deferMs');
}

/** A thrown value's finite, non-negative `key`, in whole milliseconds. */
function delayOf(thrown: unknown, key: 'retryAfterMs' | 'deferMs'): number | undefined {
  const ms = typeof thrown === 'object' && thrown !== null ? (thrown as Record<string, unknown>)[key] : undefined;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? Math.round(ms) : undefined;
}
