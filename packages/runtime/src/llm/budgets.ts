// Daily budgets per API key and overall: checked before a call against the ledger plus calls in flight, reconciled after.
import type { Store } from '../store/types.ts';
import type { Budget } from './config.ts';
import { LlmError } from './errors.ts';

/** What a call is expected to spend; its reservation is released when the real cost is in the ledger. */
export interface Reservation {
  /** Ends the reservation once the call's real cost is in the ledger; `actual` is that cost, when known. */
  release(actual?: { costUsd: number; tokens: number }): void;
}

export interface Budgets {
  /** Throws BUDGET_EXCEEDED when `keyId`'s or the overall daily budget cannot cover `expected` on top of what is spent. */
  reserve(keyId: string, keyBudget: Budget | undefined, expected: () => { costUsd: number; tokens: number }): Promise<Reservation>;
}

const NONE: Reservation = { release() {} };

type Spend = { costUsd: number; tokens: number };
const ZERO: Spend = { costUsd: 0, tokens: 0 };

/** Dollars as people write them, never in exponent form (a budget of $0.0000006 is not "$6e-7"). */
const usd = (amount: number) => `$${amount.toLocaleString('en-US', { maximumFractionDigits: 8 })}`;

export function createBudgets(store: Store, overall: Budget | undefined): Budgets {
  // Calls in flight, so a burst of concurrent calls cannot all pass a check made before any of them is in the ledger.
  const inFlight = new Map<string, Spend>();
  // Every reservation released so far, per scope: one released while the ledger was being read is in neither the
  // read (its cost may have been committed after it) nor the calls in flight, so a check counts it again.
  const released = new Map<string, Spend>();
  const add = (map: Map<string, Spend>, key: string, delta: Spend, sign: 1 | -1) => {
    const current = map.get(key) ?? ZERO;
    map.set(key, { costUsd: current.costUsd + sign * delta.costUsd, tokens: current.tokens + sign * delta.tokens });
  };
  /**
   * Throws BUDGET_EXCEEDED unless `budget` covers `expected` on top of `spent`, the scope's calls in flight and what
   * was released since `releasedBefore`. Synchronous, so no reservation slips in between.
   */
  const check = (scope: string, label: string, budget: Budget, spent: Spend, releasedBefore: Spend, expected: Spend) => {
    const now = inFlight.get(scope) ?? ZERO;
    const since = released.get(scope) ?? ZERO;
    const pending = { costUsd: now.costUsd + since.costUsd - releasedBefore.costUsd, tokens: now.tokens + since.tokens - releasedBefore.tokens };
    const { costUsd, tokens } = spent;
    const resets = new Date((Math.floor(Date.now() / 86_400_000) + 1) * 86_400_000).toISOString();
    if (budget.dailyUsd !== undefined && costUsd + pending.costUsd + expected.costUsd > budget.dailyUsd) {
      throw new LlmError(
        'BUDGET_EXCEEDED',
        `${label} daily budget of ${usd(budget.dailyUsd)} does not cover this call (${usd(costUsd + pending.costUsd)} used today); it resets at ${resets}`,
        { retryAfterS: Math.ceil((Date.parse(resets) - Date.now()) / 1000) },
      );
    }
    if (budget.dailyTokens !== undefined && tokens + pending.tokens + expected.tokens > budget.dailyTokens) {
      throw new LlmError(
        'BUDGET_EXCEEDED',
        `${label} daily budget of ${budget.dailyTokens} tokens does not cover this call (${tokens + pending.tokens} used today); it resets at ${resets}`,
        { retryAfterS: Math.ceil((Date.parse(resets) - Date.now()) / 1000) },
      );
    }
  };
  return {
    async reserve(keyId, keyBudget, expectedOf) {
      if (!keyBudget && !overall) return NONE;
      // Worked out only when there is a budget to check.
      const expected = expectedOf();
      const key = `key:${keyId}`;
      const releasedBefore = { key: released.get(key) ?? ZERO, all: released.get('all') ?? ZERO };
      const [keySpent, allSpent] = await Promise.all([keyBudget && store.spentToday(keyId), overall && store.spentToday()]);
      // From the checks to the reservation nothing awaits: calls arriving together each see the others' reservations.
      if (keyBudget && keySpent) check(key, `the API key "${keyId}"'s`, keyBudget, keySpent, releasedBefore.key, expected);
      if (overall && allSpent) check('all', 'the gateway-wide (llm.budget)', overall, allSpent, releasedBefore.all, expected);
      add(inFlight, key, expected, 1);
      add(inFlight, 'all', expected, 1);
      let done = false;
      return {
        release(actual) {
          if (done) return;
          done = true;
          for (const scope of [key, 'all']) {
            add(inFlight, scope, expected, -1);
            add(released, scope, actual ?? expected, 1);
          }
        },
      };
    },
  };
}
