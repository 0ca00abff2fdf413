// Group commit: the writes a process queues during one turn of the event loop share one transaction.
import type { SqliteDatabase } from './open.ts';

interface Write {
  run: () => unknown;
  /** One statement: atomic by itself (SQLite undoes a failed statement's changes), so it needs no savepoint. */
  single: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Queues writes and runs all those queued in the same event-loop turn in one `BEGIN IMMEDIATE` transaction,
 * each in its own savepoint: one write that fails (a constraint, a bad value) is rolled back and rejected alone,
 * the others commit. Every promise settles after the commit, so a resolved write is durable.
 *
 * Why: a commit is the expensive part of a small write (the write lock every process of the bot contends for,
 * the WAL append, the shared-memory index update). With N handlers in flight, N writes cost one commit instead
 * of N (bench/pipeline; docs/benchmarks.md).
 */
export class GroupCommit {
  private queue: Write[] = [];
  private scheduled = false;
  private readonly commitAll: (writes: readonly Write[]) => Outcome[];

  constructor(db: SqliteDatabase) {
    // Called inside a transaction, a better-sqlite3 transaction function runs in a savepoint.
    const inSavepoint = db.transaction((write: Write) => write.run());
    const all = db.transaction((writes: readonly Write[]): Outcome[] =>
      writes.map((write) => {
        try {
          return { ok: true, value: write.single ? write.run() : inSavepoint(write) };
        } catch (error) {
          // Some errors (SQLITE_FULL, SQLITE_IOERR) end the whole transaction, not just the savepoint: the
          // remaining writes must not run in autocommit mode, so the batch fails as one.
          if (!db.inTransaction) throw error;
          return { ok: false, error };
        }
      }),
    );
    this.commitAll = (writes) => all.immediate(writes);
  }

  /**
   * Queues `run` (synchronous statements on this database); resolves with its result once committed.
   * `single`: `run` executes exactly one statement, so the savepoint (two more statements, inside the lock every
   * process contends for) is left out.
   */
  write<T>(run: () => T, options?: { single?: boolean }): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, single: options?.single === true, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Queues `run` and commits at once, with everything queued before it: for a write that records a side effect
   * already done elsewhere (an action's), where any wait widens the window a crash could fall into. Deferring it to
   * the end of the microtask queue let the other handlers of a leased batch run their actions first, so a kill -9
   * in between found effects without their ledger entries (the reliability test caught it).
   */
  writeNow<T>(run: () => T): Promise<T> {
    const written = this.write(run);
    this.flush();
    return written;
  }

  /** Commits what is queued now (also called on close, so nothing queued is lost). */
  flush(): void {
    this.scheduled = false;
    const writes = this.queue;
    if (writes.length === 0) return;
    this.queue = [];
    let outcomes: Outcome[];
    try {
      outcomes = this.commitAll(writes);
    } catch (error) {
      for (const write of writes) write.reject(error);
      return;
    }
    for (let i = 0; i < writes.length; i++) {
      const outcome = outcomes[i] as Outcome;
      const write = writes[i] as Write;
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.error);
    }
  }
}
