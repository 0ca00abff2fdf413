// Budget reservations against a store that answers later, as a networked store would: concurrent calls and calls
// that finish while the ledger is being read are counted once at least, never not at all.
import { describe, expect, it } from 'vitest';
import type { Store } from '../store/types.ts';
import { createBudgets } from './budgets.ts';

/** A store whose `spentToday` answers what `ledger` holds when asked, `ms` later. */
function slowLedger(ledger: { costUsd: number; tokens: number }, ms: number): Store {
  return {
    spentToday: async () => {
      const now = { ...ledger };
      await new Promise((resolve) => setTimeout(resolve, ms));
      return now;
    },
  } as unknown as Store;
}

const call = { costUsd: 0.4, tokens: 10 };

describe('budgets', () => {
  it('lets through only the calls the budget covers when they arrive together', async () => {
    const budgets = createBudgets(slowLedger({ costUsd: 0, tokens: 0 }, 20), { dailyUsd: 1 });
    const outcomes = await Promise.allSettled([1, 2, 3].map(() => budgets.reserve('k', undefined, () => call)));
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? 'reserved' : (o.reason as { code: string }).code))).toEqual([
      'reserved',
      'reserved',
      'BUDGET_EXCEEDED',
    ]);
  });

  it('counts a call released while the ledger was being read, whose cost that read did not see', async () => {
    const ledger = { costUsd: 0, tokens: 0 };
    const budgets = createBudgets(slowLedger(ledger, 20), { dailyUsd: 1 });
    const first = await budgets.reserve('k', undefined, () => call);
    const second = budgets.reserve('k', undefined, () => call);
    // The first call ends while the second's read is under way: committed to the ledger after the read, released before the check.
    ledger.costUsd += 0.7;
    first.release({ costUsd: 0.7, tokens: 30 });
    await expect(second).rejects.toMatchObject({ code: 'BUDGET_EXCEEDED' });
    // The next read sees the committed cost.
    await expect(budgets.reserve('k', undefined, () => call)).rejects.toMatchObject({ code: 'BUDGET_EXCEEDED' });
  });
});
