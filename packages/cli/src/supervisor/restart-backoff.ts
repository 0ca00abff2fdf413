// How long to wait before restarting a crashed service: doubling from `initialMs` up to `maxMs`,
// reset once a run has lasted `stableMs` (a service that crashes once a day should restart at once).

export interface RestartBackoffOptions {
  /** @default 100 */
  initialMs?: number;
  /** @default 5000 */
  maxMs?: number;
  /** @default 10_000 */
  stableMs?: number;
}

export function createRestartBackoff(options: RestartBackoffOptions = {}) {
  const initialMs = options.initialMs ?? 100;
  const maxMs = options.maxMs ?? 5000;
  const stableMs = options.stableMs ?? 10_000;
  let failures = 0;
  return {
    /** The delay before the next start, given how long the run that just ended lasted. */
    next(ranMs: number): number {
      if (ranMs >= stableMs) failures = 0;
      const delay = Math.min(maxMs, initialMs * 2 ** failures);
      failures++;
      return delay;
    },
  };
}
