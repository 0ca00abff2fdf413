// The store's tables: messages, conversation contexts, the idempotency ledger, spans and per-trace summaries.
import type { SqliteDatabase } from '../broker/sqlite-open.ts';

const DDL = `
CREATE TABLE IF NOT EXISTS store_messages (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  tenant TEXT NOT NULL,
  status TEXT NOT NULL,
  intent TEXT,
  reply TEXT,
  data TEXT,
  error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS store_messages_updated ON store_messages (updated_at);
CREATE TABLE IF NOT EXISTS store_contexts (
  conversation_id TEXT PRIMARY KEY,
  context TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS store_contexts_expiry ON store_contexts (expires_at);
CREATE TABLE IF NOT EXISTS store_idempotency (
  key TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  result TEXT,
  claimed_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS store_idempotency_updated ON store_idempotency (updated_at);
CREATE TABLE IF NOT EXISTS store_spans (
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  span TEXT NOT NULL,
  PRIMARY KEY (trace_id, span_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS store_traces (
  trace_id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  tenant TEXT NOT NULL,
  root_name TEXT,
  start_ms INTEGER NOT NULL,
  end_ms INTEGER NOT NULL,
  span_count INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS store_traces_start ON store_traces (start_ms);
`;

/** Creates the tables if they are missing. Safe to run from several processes at once. */
export function migrateStoreSchema(db: SqliteDatabase): void {
  db.transaction(() => db.exec(DDL)).immediate();
}
