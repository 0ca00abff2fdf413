// Schema upgrades for state files written by an earlier version: a column added to a table after it was created.
import type { SqliteDatabase } from './open.ts';

/**
 * Adds `column` (with its SQL `definition`, e.g. `INTEGER NOT NULL DEFAULT 0`) to `table` unless it is there. Call
 * it inside the migration's immediate transaction, so that of several processes opening one file at once the
 * first adds it and the others, reading the schema after it, do not.
 */
export function addColumnIfMissing(db: SqliteDatabase, table: string, column: string, definition: string): void {
  const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[];
  if (!columns.includes(column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
}
