// The broker's tables: the message log, consumer groups, per-group deliveries (leases), dead letters, and doorbells.
import { addColumnIfMissing } from '../sqlite/add-column.ts';
import type { SqliteDatabase } from '../sqlite/open.ts';

// `available_at` is the one clock a delivery needs: ready rows hold their publish time, leased rows their
// lease expiry, nacked rows their retry time. A row is leasable when it has passed, which makes an expired
// lease redeliverable without any sweeper. `lease` counts every lease and is the token for ack and nack;
// `attempts` counts the deliveries that used up an attempt (a deferral gives its attempt back).
const DDL = `
CREATE TABLE IF NOT EXISTS broker_messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL,
  topic TEXT NOT NULL,
  okey TEXT,
  headers TEXT,
  payload TEXT NOT NULL,
  published_at INTEGER NOT NULL,
  fanout INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS broker_messages_topic ON broker_messages (topic, seq);
CREATE TABLE IF NOT EXISTS broker_doorbells (
  topic TEXT NOT NULL,
  port INTEGER NOT NULL,
  pid INTEGER NOT NULL,
  seen_at INTEGER NOT NULL,
  PRIMARY KEY (topic, port)
);
CREATE TABLE IF NOT EXISTS broker_groups (
  id INTEGER PRIMARY KEY,
  topic TEXT NOT NULL,
  name TEXT NOT NULL,
  UNIQUE (topic, name)
);
CREATE TABLE IF NOT EXISTS broker_deliveries (
  grp INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  okey TEXT,
  available_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  leased INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  lease INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (grp, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS broker_deliveries_key ON broker_deliveries (grp, okey, seq) WHERE okey IS NOT NULL;
CREATE INDEX IF NOT EXISTS broker_deliveries_seq ON broker_deliveries (seq);
CREATE TABLE IF NOT EXISTS broker_dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  topic TEXT NOT NULL,
  grp INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  okey TEXT,
  headers TEXT,
  payload TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  error TEXT NOT NULL,
  published_at INTEGER NOT NULL,
  dead_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS broker_dead_letters_topic ON broker_dead_letters (topic, id);
`;

/** Creates the tables if they are missing. Safe to run from several processes at once. */
export function migrateBrokerSchema(db: SqliteDatabase): void {
  db.transaction(() => {
    db.exec(DDL);
    // Columns added since a table was first created (a .bot/ state folder from an earlier version). Rows leased
    // before have lease 0 and are taken over when their lease expires.
    addColumnIfMissing(db, 'broker_deliveries', 'lease', 'INTEGER NOT NULL DEFAULT 0');
  }).immediate();
}
