// The cool-down (a circuit breaker per target): after N consecutive failed calls a target sits out for a while.

export interface Cooldown {
  /** Epoch ms until which `key` sits out, or undefined when it is in rotation. */
  coolingUntil(key: string): number | undefined;
  failed(key: string): void;
  succeeded(key: string): void;
}

export function createCooldown(options: { failures: number; durationMs: number }, now: () => number = Date.now): Cooldown {
  const state = new Map<string, { failures: number; until?: number }>();
  return {
    coolingUntil(key) {
      const until = state.get(key)?.until;
      if (until === undefined) return undefined;
      if (until > now()) return until;
      // Half-open: one more failure sends it back at once; a success clears it.
      state.set(key, { failures: options.failures - 1 });
      return undefined;
    },
    failed(key) {
      const failures = (state.get(key)?.failures ?? 0) + 1;
      state.set(key, failures >= options.failures ? { failures, until: now() + options.durationMs } : { failures });
    },
    succeeded(key) {
      state.delete(key);
    },
  };
}
