// SQLite upkeep a supervising process does for the services' databases (kept apart: it loads no service code), and
// the connection the services open, for tools that must behave as they do (bench/pipeline/floor.ts).
export { type Checkpointer, startCheckpointer } from './checkpointer.ts';
export { openSqlite, type SqliteDatabase, type WalCheckpoints } from './open.ts';
