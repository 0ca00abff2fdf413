// Shared by the floor pipeline's services (bench/pipeline/floor.ts): inputbot's own SQLite connection (openSqlite, with
// its retry on SQLITE_BUSY), the UDP doorbell, the lease loop and the ack-and-publish commit. Nothing else.
import { createSocket, type Socket } from 'node:dgram';
import path from 'node:path';
import { openSqlite, type SqliteDatabase } from '@inputbot/runtime/sqlite';

export type Db = SqliteDatabase;

/** A leased broker message. */
export interface Leased {
  seq: number;
  key: string;
  payload: string;
}

/** A message to publish. */
export interface Outgoing {
  topic: string;
  key: string;
  payload: string;
}

/** The two files, in the folder the parent passes in FLOOR_DIR. */
export const floorFiles = (dir = process.env.FLOOR_DIR ?? '') => ({ broker: path.join(dir, 'broker.db'), state: path.join(dir, 'state.db') });
export const BROKER_FILE = floorFiles().broker;
export const STATE_FILE = floorFiles().state;
const LEASE_MS = 30_000;
const BATCH = 16;

/** Opens a file with the connection inputbot's services open under `bot dev` (WAL, synchronous=NORMAL, its retry on a busy lock, checkpoints left to the parent). */
export function open(file: string): Db {
  return openSqlite(file, 10_000, 'external');
}

/** `fn` as one BEGIN IMMEDIATE transaction (the connection retries it whole on SQLITE_BUSY, as inputbot's do). */
export function immediate<A extends unknown[], R>(db: Db, fn: (...args: A) => R): (...args: A) => R {
  const tx = db.transaction(fn);
  return (...args: A) => tx.immediate(...args);
}

/** The parent creates the tables before starting the services. */
export function createSchema(dir: string): void {
  const broker = open(floorFiles(dir).broker);
  broker.exec(`
    CREATE TABLE messages (seq INTEGER PRIMARY KEY, topic TEXT NOT NULL, key TEXT, payload TEXT NOT NULL, lease_until INTEGER NOT NULL, attempts INTEGER NOT NULL);
    CREATE INDEX messages_topic ON messages (topic, seq);
    CREATE TABLE doorbells (topic TEXT NOT NULL, port INTEGER NOT NULL);`);
  broker.close();
  const state = open(floorFiles(dir).state);
  state.exec(`
    CREATE TABLE status (id TEXT PRIMARY KEY, status TEXT NOT NULL, reply TEXT);
    CREATE TABLE ledger (key TEXT PRIMARY KEY, result TEXT);`);
  state.close();
}

let sendSocket: Socket | undefined;

/** Rings every consumer of a topic, after the commit that gave it messages. Ports are cached 200 ms, as inputbot does. */
export function ringer(broker: Db): (topic: string) => void {
  const portsOf = broker.prepare('SELECT port FROM doorbells WHERE topic = ?').pluck();
  const cache = new Map<string, { at: number; ports: number[] }>();
  return (topic) => {
    const now = Date.now();
    let entry = cache.get(topic);
    if (!entry || now - entry.at >= 200) {
      entry = { at: now, ports: portsOf.all(topic) as number[] };
      cache.set(topic, entry);
    }
    if (!sendSocket) {
      sendSocket = createSocket('udp4');
      sendSocket.bind(0, '127.0.0.1');
      sendSocket.unref();
    }
    // The datagram carries no data (the messages are in the file); a lost one costs the 10 ms poll.
    for (const port of entry.ports) sendSocket.send(topic, port, '127.0.0.1');
  };
}

/**
 * Consumes `topic`: woken by a UDP ring (or by a 10 ms poll of `PRAGMA data_version`, which changes when another
 * connection commits), leases up to 16 messages in one IMMEDIATE transaction and hands them to `handle`, which
 * must ack them. Repeats, one batch per event-loop turn, until a lease comes back empty. Resolves once registered.
 */
export function consume(broker: Db, topic: string, handle: (batch: Leased[]) => void): Promise<void> {
  const leaseStmt = broker.prepare(
    `UPDATE messages SET lease_until = ?, attempts = attempts + 1
     WHERE seq IN (SELECT seq FROM messages WHERE topic = ? AND lease_until <= ? ORDER BY seq LIMIT ${BATCH})
     RETURNING seq, key, payload`,
  );
  const lease = immediate(broker, (now: number) => leaseStmt.all(now + LEASE_MS, topic, now) as Leased[]);
  let scheduled = false;
  const run = () => {
    scheduled = false;
    const batch = lease(Date.now());
    if (batch.length === 0) return;
    handle(batch);
    wake();
  };
  const wake = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(run);
  };
  const dataVersion = broker.prepare('PRAGMA data_version').pluck();
  let seen = dataVersion.get();
  setInterval(() => {
    const version = dataVersion.get();
    if (version !== seen) wake();
    seen = version;
  }, 10);
  const socket = createSocket('udp4');
  socket.on('message', wake);
  return new Promise((resolve) =>
    socket.bind(0, '127.0.0.1', () => {
      broker.prepare('INSERT INTO doorbells (topic, port) VALUES (?, ?)').run(topic, socket.address().port);
      resolve();
    }),
  );
}

/** One broker transaction: deletes the leased messages (ack) and inserts the outputs (publish on ack). */
export function acker(broker: Db): (acked: Leased[], out: Outgoing[]) => void {
  const del = broker.prepare('DELETE FROM messages WHERE seq = ?');
  const ins = broker.prepare('INSERT INTO messages (topic, key, payload, lease_until, attempts) VALUES (?, ?, ?, 0, 0)');
  return immediate(broker, (acked: Leased[], out: Outgoing[]) => {
    for (const m of acked) del.run(m.seq);
    for (const o of out) ins.run(o.topic, o.key, o.payload);
  });
}

/** Tells the parent the service is up (one JSON line on stdout); exits when the parent goes (its pipe closes). */
export function ready(port?: number): void {
  console.log(JSON.stringify({ port }));
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();
}
