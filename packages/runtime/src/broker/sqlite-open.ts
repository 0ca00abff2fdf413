// Opens a SQLite file for several processes at once: WAL, a busy timeout, and a sync level that survives kill -9.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

/**
 * Opens (creating folders as needed) a database shared by several processes.
 * `synchronous = NORMAL` in WAL mode loses nothing when a process dies, only on power loss or an OS crash,
 * which is the trade the local runtime wants: a commit costs no fsync.
 */
export function openSqlite(path: string, busyTimeoutMs = 10_000): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: busyTimeoutMs });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  return db;
}
