// Checkpoints the WAL of databases whose writers leave it to someone else (openSqlite's `external`), off their message path.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';

export interface Checkpointer {
  /** Checkpoints once more, then closes its connections. */
  stop(): void;
}

/**
 * Every `intervalMs`, a PASSIVE checkpoint of each file: it copies what it can of the WAL into the database
 * without waiting for any lock, so writers and readers are never held up; once a checkpoint has caught up, the
 * next commit starts the WAL over from its beginning, which keeps it small. A file that does not exist yet is
 * picked up when it appears.
 *
 * Why: with SQLite's automatic checkpoints, whichever service's commit takes the WAL past 1,000 pages copies
 * them and fsyncs twice inside that commit, and every message behind it waits. Under `bot dev` at 2,000 msg/s
 * that was the difference between a backlog that grows and one that does not (bench/pipeline, docs/benchmarks.md).
 * Every 250 ms measured no different in latency from every 100 ms, with fewer fsyncs.
 */
export function startCheckpointer(
  files: readonly string[],
  options: { intervalMs?: number; onError?: (file: string, error: unknown) => void } = {},
): Checkpointer {
  const open = new Map<string, Database.Database>();
  // Each file's first failure is reported; a stuck checkpointer would otherwise go unnoticed until the backstop.
  const reported = new Set<string>();
  const checkpointAll = () => {
    for (const file of files) {
      let db = open.get(file);
      if (!db) {
        if (!existsSync(file)) continue;
        try {
          db = new Database(file, { fileMustExist: true, timeout: 0 });
        } catch {
          continue;
        }
        open.set(file, db);
      }
      try {
        db.pragma('wal_checkpoint(PASSIVE)');
      } catch (error) {
        // Busy for a moment, most likely: the next tick tries again.
        if (!reported.has(file)) options.onError?.(file, error);
        reported.add(file);
      }
    }
  };
  const timer = setInterval(checkpointAll, options.intervalMs ?? 250);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      checkpointAll();
      for (const db of open.values()) db.close();
      open.clear();
    },
  };
}
