// Retention pruning in short transactions, yielding to the event loop between them.
import type { SqliteDatabase } from './open.ts';

/** Rows one prune transaction deletes at most: about a millisecond of holding the write lock every process needs. */
const PRUNE_BATCH = 500;

/** One kind of row to prune: deletes at most about `limit` expired rows; true when it may have left some. */
export type PruneStep = (limit: number) => boolean;

/**
 * Runs each step in its own IMMEDIATE transaction, again while it deletes a full batch, with a turn of the event
 * loop between transactions; resolves when every step has caught up or `stopped()` says so. A failure (another
 * process held the lock past the busy timeout) goes to `onError` and ends this round: pruning is best effort and
 * runs again on its next tick.
 *
 * Why batches: deleting a day's retention in one transaction held every process's writes for as long as it took
 * (a minute of records at 200 msg/s: 199 ms, bench/pipeline/prune-stall.ts) and blocked this process's loop with it.
 */
export async function pruneInBatches(
  db: SqliteDatabase,
  steps: readonly PruneStep[],
  options: { stopped: () => boolean; onError?: (error: unknown) => void },
): Promise<void> {
  for (const step of steps) {
    for (;;) {
      if (options.stopped()) return;
      let more: boolean;
      try {
        more = db.transaction(() => step(PRUNE_BATCH)).immediate();
      } catch (error) {
        options.onError?.(error);
        return;
      }
      if (!more) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
