// The store's tables: messages, conversation contexts, the idempotency ledger, spans, per-trace summaries and the LLM usage ledger.
import { addColumnIfMissing } from '../sqlite/add-column.ts';
import type { SqliteDatabase } from '../sqlite/open.ts';

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
CREATE INDEX IF NOT EXISTS store_messages_created ON store_messages (created_at);
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
  updated_at INTEGER NOT NULL,
  owner TEXT
);
CREATE INDEX IF NOT EXISTS store_idempotency_claimed ON store_idempotency (claimed_at);
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
CREATE TABLE IF NOT EXISTS store_usage (
  id INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL,
  trace_id TEXT NOT NULL,
  model TEXT NOT NULL,
  provider TEXT NOT NULL,
  api_key_id TEXT NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cached_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  latency_ms INTEGER NOT NULL,
  cache_hit INTEGER NOT NULL,
  estimated INTEGER NOT NULL,
  status TEXT NOT NULL,
  error_code TEXT
);
CREATE INDEX IF NOT EXISTS store_usage_at ON store_usage (at_ms);
CREATE INDEX IF NOT EXISTS store_usage_key_at ON store_usage (api_key_id, at_ms);
`;

/** Creates the tables if they are missing (new tables are added to existing files the same way). Safe to run from several processes at once. */
export function migrateStoreSchema(db: SqliteDatabase): void {
  db.transaction(() => {
    db.exec(DDL);
    // Columns added since a table was first created (a .bot/ state folder from an earlier version).
    addColumnIfMissing(db, 'store_idempotency', 'owner', 'TEXT');
    // Retention once went by the last update, whose index every status change rewrote; it goes by creation now.
    db.exec('DROP INDEX IF EXISTS store_messages_updated; DROP INDEX IF EXISTS store_idempotency_updated;');
  }).immediate();
}
