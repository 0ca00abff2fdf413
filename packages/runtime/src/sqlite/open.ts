// Opens a SQLite file for several processes at once: WAL, a sync level that survives kill -9, and a fine-grained lock wait.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

/**
 * Opens (creating folders as needed) a database shared by several processes.
 * `synchronous = NORMAL` in WAL mode loses nothing when a process dies, only on power loss or an OS crash,
 * which is the trade the local runtime wants: a commit costs no fsync.
 *
 * A write that finds another process's lock waits for it up to `busyTimeoutMs`, then fails with SQLITE_BUSY,
 * as with SQLite's `busy_timeout`; but SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25… ms between
 * tries, while a commit here holds the lock for some 40 µs. With the bot's processes sharing two cores, that
 * made a contended write cost milliseconds of blocked event loop (measured in bench/pipeline: about 0.6 ms
 * per store write at 200 msg/s). So SQLite's handler is off and every statement, pragma and transaction of
 * this connection retries on SQLITE_BUSY itself, sleeping 50 µs, then doubling up to 1 ms.
 */
export function openSqlite(path: string, busyTimeoutMs = 10_000, walCheckpoints: WalCheckpoints = 'auto'): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const timeout = Math.max(0, Math.floor(busyTimeoutMs));
  const db = new Database(path, { timeout });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 0');
  // External: a backstop only, should the checkpointing process stall (Ctrl-Z on bot dev) or fail: 40 MB of WAL.
  if (walCheckpoints === 'external') db.pragma(`wal_autocheckpoint = ${EXTERNAL_BACKSTOP_PAGES}`);
  // A WAL that a burst grew is cut back to this when it next starts over, instead of keeping its high-water mark.
  db.pragma('journal_size_limit = 67108864');
  return retryingOnBusy(db, timeout);
}

/** With external checkpoints, the WAL size (pages) at which a connection checkpoints anyway. */
const EXTERNAL_BACKSTOP_PAGES = 10_000;

/**
 * Who moves the WAL back into the database file. `auto`: SQLite's default, the connection whose commit takes the
 * WAL past 1,000 pages does it, inside that commit (with `synchronous = NORMAL`, two fsyncs). `external`: another
 * process runs {@link startCheckpointer} on the file (`bot dev`'s supervisor does), so no message waits behind a
 * checkpoint; this connection checkpoints only past 10,000 pages, should that process stall.
 */
export type WalCheckpoints = 'auto' | 'external';

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const FIRST_WAIT_MS = 0.05;
const MAX_WAIT_MS = 1;

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** Runs `fn`, retrying while it fails with SQLITE_BUSY, for at most `timeoutMs`. A failed try has no effect, so it is safe to repeat. */
export function retryBusy<T>(fn: () => T, timeoutMs: number): T {
  try {
    return fn();
  } catch (error) {
    if (!isBusy(error) || timeoutMs <= 0) throw error;
  }
  const deadline = performance.now() + timeoutMs;
  let wait = FIRST_WAIT_MS;
  for (;;) {
    // A synchronous sleep that yields the core (the lock holder may be waiting for it), with µs resolution.
    Atomics.wait(sleeper, 0, 0, wait);
    try {
      return fn();
    } catch (error) {
      if (!isBusy(error) || performance.now() >= deadline) throw error;
    }
    wait = Math.min(MAX_WAIT_MS, wait * 2);
  }
}

type AnyFn = (...args: never[]) => unknown;

function retrying<F extends AnyFn>(fn: F, self: unknown, timeoutMs: number): F {
  return ((...args: Parameters<F>) => retryBusy(() => fn.apply(self, args), timeoutMs)) as F;
}

// A transaction that fails with SQLITE_BUSY was rolled back (or never began), so the whole of it is retried.
function retryingOnBusy(db: SqliteDatabase, timeoutMs: number): SqliteDatabase {
  const prepare = db.prepare.bind(db);
  const transaction = db.transaction.bind(db);
  const patch = {
    prepare: ((source: string) => {
      const statement = prepare(source);
      return Object.assign(statement, {
        run: retrying(statement.run, statement, timeoutMs),
        get: retrying(statement.get, statement, timeoutMs),
        all: retrying(statement.all, statement, timeoutMs),
      });
    }) as SqliteDatabase['prepare'],
    transaction: ((fn: AnyFn) => {
      const tx = transaction(fn);
      const wrapped = retrying(tx, undefined, timeoutMs);
      return Object.assign(wrapped, {
        default: wrapped,
        deferred: retrying(tx.deferred, undefined, timeoutMs),
        immediate: retrying(tx.immediate, undefined, timeoutMs),
        exclusive: retrying(tx.exclusive, undefined, timeoutMs),
        database: db,
      });
    }) as SqliteDatabase['transaction'],
    pragma: retrying(db.pragma, db, timeoutMs),
    exec: retrying(db.exec, db, timeoutMs),
  };
  return Object.assign(db, patch);
}
