// Broker storage on SQLite: every read and write the adapter makes, each write one short BEGIN IMMEDIATE transaction.
import type { Statement } from 'better-sqlite3';
import type { ErrorData } from '../contracts/error-data.ts';
import type { SqliteDatabase } from '../sqlite/open.ts';
import { migrateBrokerSchema } from './sqlite-schema.ts';

/** A message row as stored. */
export interface StoredMessage {
  seq: number;
  id: string;
  topic: string;
  okey: string | null;
  headers: string | null;
  payload: string;
  published_at: number;
}

/** A message leased to a consumer: `attempts` is this delivery's number, `lease` the token its ack or nack carries. */
export interface LeasedMessage extends StoredMessage {
  attempts: number;
  lease: number;
}

export interface NewMessage {
  id: string;
  okey: string | null;
  headers: string | null;
  payload: string;
}

/** A message waiting for its transaction. */
export interface PendingPublish {
  topic: string;
  message: NewMessage;
}

/** A handler's outcome, applied in the next transaction of its consumer. `defer`: a nack that gives its attempt back. */
export type Settlement =
  | { kind: 'ack'; seq: number; lease: number; publish?: readonly PendingPublish[] }
  | { kind: 'nack' | 'defer'; seq: number; lease: number; retryAt: number; error: ErrorData }
  | { kind: 'dead'; seq: number; lease: number; error: ErrorData };

export interface SettleAndLease {
  leased: LeasedMessage[];
  buried: number;
  published: ReadonlySet<string>;
}

export interface LeaseRequest {
  limit: number;
  now: number;
  leaseMs: number;
  maxAttempts: number;
}

interface CandidateRow extends StoredMessage {
  attempts: number;
  lease: number;
  last_error: string | null;
}

export interface GroupStatsRow {
  topic: string;
  name: string;
  total: number;
  in_flight: number;
  retrying: number;
  dead: number;
}

export interface DeadLetterRow {
  id: number;
  topic: string;
  grp_name: string;
  message_id: string;
  okey: string | null;
  headers: string | null;
  payload: string;
  attempts: number;
  error: string;
  published_at: number;
  dead_at: number;
}

type Stmts = ReturnType<typeof prepare>;

function prepare(db: SqliteDatabase) {
  const s = (sql: string): Statement => db.prepare(sql);
  return {
    lastSeq: s('SELECT coalesce(max(seq), 0) AS seq FROM broker_messages').pluck(),
    insertMessage: s('INSERT INTO broker_messages (id, topic, okey, headers, payload, published_at, fanout) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    fanToGroups: s('INSERT INTO broker_deliveries (grp, seq, okey, available_at) SELECT id, ?, ?, ? FROM broker_groups WHERE topic = ?'),
    insertDelivery: s('INSERT INTO broker_deliveries (grp, seq, okey, available_at) VALUES (?, ?, ?, ?)'),
    insertGroup: s('INSERT OR IGNORE INTO broker_groups (topic, name) VALUES (?, ?)'),
    groupId: s('SELECT id FROM broker_groups WHERE topic = ? AND name = ?').pluck(),
    backfill: s(
      'INSERT INTO broker_deliveries (grp, seq, okey, available_at) SELECT ?, seq, okey, published_at FROM broker_messages WHERE topic = ? AND fanout = 1',
    ),
    candidates: s(`
      SELECT d.seq, d.attempts, d.lease, d.last_error, m.id, m.topic, m.okey, m.headers, m.payload, m.published_at
      FROM broker_deliveries d JOIN broker_messages m ON m.seq = d.seq
      WHERE d.grp = ? AND d.available_at <= ?
        AND (d.okey IS NULL OR d.seq = (SELECT min(x.seq) FROM broker_deliveries x WHERE x.grp = d.grp AND x.okey = d.okey))
      ORDER BY d.seq LIMIT ?`),
    lease: s('UPDATE broker_deliveries SET available_at = ?, attempts = attempts + 1, lease = lease + 1, leased = 1 WHERE grp = ? AND seq = ?'),
    ack: s('DELETE FROM broker_deliveries WHERE grp = ? AND seq = ? AND lease = ? AND leased = 1'),
    nack: s('UPDATE broker_deliveries SET available_at = ?, leased = 0, last_error = ? WHERE grp = ? AND seq = ? AND lease = ? AND leased = 1'),
    defer: s(
      'UPDATE broker_deliveries SET available_at = ?, leased = 0, last_error = ?, attempts = attempts - 1 WHERE grp = ? AND seq = ? AND lease = ? AND leased = 1',
    ),
    extend: s('UPDATE broker_deliveries SET available_at = ? WHERE grp = ? AND seq = ? AND lease = ? AND leased = 1'),
    bury: s(`
      INSERT INTO broker_dead_letters (topic, grp, message_id, okey, headers, payload, attempts, error, published_at, dead_at)
      SELECT m.topic, d.grp, m.id, m.okey, m.headers, m.payload, d.attempts, ?, m.published_at, ?
      FROM broker_deliveries d JOIN broker_messages m ON m.seq = d.seq WHERE d.grp = ? AND d.seq = ? AND d.lease = ?`),
    removeDelivery: s('DELETE FROM broker_deliveries WHERE grp = ? AND seq = ? AND lease = ?'),
    anyLeasable: s('SELECT 1 FROM broker_deliveries WHERE grp = ? AND available_at <= ? LIMIT 1').pluck(),
    nextAvailable: s('SELECT min(available_at) FROM broker_deliveries WHERE grp = ? AND available_at > ?').pluck(),
    fanout: s(
      'SELECT seq, id, topic, okey, headers, payload, published_at FROM broker_messages WHERE topic = ? AND seq > ? AND fanout = 1 ORDER BY seq LIMIT ?',
    ),
    stats: s(`
      SELECT g.topic, g.name,
        count(d.seq) AS total,
        coalesce(sum(d.leased = 1 AND d.available_at > @now), 0) AS in_flight,
        coalesce(sum(d.leased = 0 AND d.available_at > @now), 0) AS retrying,
        (SELECT count(*) FROM broker_dead_letters x WHERE x.grp = g.id) AS dead
      FROM broker_groups g LEFT JOIN broker_deliveries d ON d.grp = g.id
      GROUP BY g.id ORDER BY g.topic, g.name`),
    deadLetters: s(`
      SELECT x.id, x.topic, g.name AS grp_name, x.message_id, x.okey, x.headers, x.payload, x.attempts, x.error, x.published_at, x.dead_at
      FROM broker_dead_letters x JOIN broker_groups g ON g.id = x.grp
      WHERE @topic IS NULL OR x.topic = @topic ORDER BY x.id`),
    deadLetterForReplay: s('SELECT id, grp, topic, message_id, okey, headers, payload FROM broker_dead_letters WHERE @id IS NULL OR id = @id ORDER BY id'),
    removeDeadLetter: s('DELETE FROM broker_dead_letters WHERE id = ?'),
    pruneCutoff: s('SELECT seq FROM broker_messages WHERE published_at >= ? ORDER BY seq LIMIT 1').pluck(),
    prune: s(`
      DELETE FROM broker_messages WHERE seq IN (
        SELECT m.seq FROM broker_messages m
        WHERE m.seq > ? AND m.seq < ? AND NOT EXISTS (SELECT 1 FROM broker_deliveries d WHERE d.seq = m.seq)
        ORDER BY m.seq LIMIT ?)
      RETURNING seq`).pluck(),
  };
}

/** The SQL side of the SQLite broker. Synchronous: better-sqlite3 calls are microseconds and hold no lock between calls. */
export class SqliteQueue {
  private readonly stmts: Stmts;
  private readonly publishTx;
  private readonly settleAndLeaseTx;
  private readonly replayTx;
  private readonly ensureGroupTx;

  constructor(db: SqliteDatabase) {
    migrateBrokerSchema(db);
    const st = prepare(db);
    this.stmts = st;
    this.publishTx = db.transaction((batch: readonly PendingPublish[], now: number) => this.insert(batch, now));
    this.settleAndLeaseTx = db.transaction((grp: number, settlements: readonly Settlement[], request: LeaseRequest | undefined): SettleAndLease => {
      const now = request?.now ?? Date.now();
      const published = new Set<string>();
      for (const settlement of settlements) this.settle(grp, settlement, now, published);
      return { ...(request ? this.lease(grp, request) : { leased: [], buried: 0 }), published };
    });
    this.replayTx = db.transaction((id: number | null, now: number) => {
      const rows = st.deadLetterForReplay.all({ id }) as (Omit<DeadLetterRow, 'grp_name'> & { grp: number })[];
      for (const row of rows) {
        // A fresh seq puts the message at the back of its conversation's queue; fanout = 0 keeps it
        // from other groups and from live subscribers, who saw it the first time.
        const seq = st.insertMessage.run(row.message_id, row.topic, row.okey, row.headers, row.payload, now, 0).lastInsertRowid;
        st.insertDelivery.run(row.grp, seq, row.okey, now);
        st.removeDeadLetter.run(row.id);
      }
      return rows.length;
    });
    this.ensureGroupTx = db.transaction((topic: string, name: string) => {
      if (st.insertGroup.run(topic, name).changes === 1) {
        const id = st.groupId.get(topic, name) as number;
        st.backfill.run(id, topic);
        return id;
      }
      return st.groupId.get(topic, name) as number;
    });
  }

  lastSeq(): number {
    return this.stmts.lastSeq.get() as number;
  }

  publish(batch: readonly PendingPublish[], now: number): void {
    this.publishTx.immediate(batch, now);
  }

  /** Creates the group (delivering it every message the topic still retains) or returns the existing one's id. */
  ensureGroup(topic: string, name: string): number {
    return this.ensureGroupTx.immediate(topic, name);
  }

  /**
   * Applies settlements (an ack with the messages its handler published on ack), then leases up to `request.limit`
   * messages, all in one transaction. `published`: the topics that got messages, for the doorbell.
   */
  settleAndLease(grp: number, settlements: readonly Settlement[], request?: LeaseRequest): SettleAndLease {
    return this.settleAndLeaseTx.immediate(grp, settlements, request);
  }

  extendLease(grp: number, seq: number, lease: number, until: number): boolean {
    return this.stmts.extend.run(until, grp, seq, lease).changes === 1;
  }

  /** Whether the group may have a delivery to lease now: a read, so checking takes no write lock. */
  mayLease(grp: number, now: number): boolean {
    return this.stmts.anyLeasable.get(grp, now) !== undefined;
  }

  /** When the group's next delivery becomes leasable (a retry or a lease expiry), if any is pending. */
  nextAvailableAt(grp: number, now: number): number | undefined {
    return (this.stmts.nextAvailable.get(grp, now) as number | null) ?? undefined;
  }

  readFanout(topic: string, afterSeq: number, limit: number): StoredMessage[] {
    return this.stmts.fanout.all(topic, afterSeq, limit) as StoredMessage[];
  }

  stats(now: number): GroupStatsRow[] {
    return this.stmts.stats.all({ now }) as GroupStatsRow[];
  }

  deadLetters(topic: string | null): DeadLetterRow[] {
    return this.stmts.deadLetters.all({ topic }) as DeadLetterRow[];
  }

  replay(id: number | null, now: number): number {
    return this.replayTx.immediate(id, now);
  }

  /** The first seq published at or after `cutoff` (every message below it is older): where a prune round stops. */
  pruneBound(cutoff: number): number {
    return (this.stmts.pruneCutoff.get(cutoff) as number | undefined) ?? this.lastSeq() + 1;
  }

  /**
   * Deletes up to `limit` messages with `after < seq < below` that no group still holds, oldest first; returns how
   * many and the last seq deleted, where the round's next batch starts (held messages are not scanned again).
   * Call it in a transaction.
   */
  pruneStep(after: number, below: number, limit: number): { deleted: number; last: number } {
    const seqs = this.stmts.prune.all(after, below, limit) as number[];
    return { deleted: seqs.length, last: seqs.length ? Math.max(...seqs) : after };
  }

  private insert(batch: readonly PendingPublish[], now: number): void {
    for (const { topic, message } of batch) {
      const seq = this.stmts.insertMessage.run(message.id, topic, message.okey, message.headers, message.payload, now, 1).lastInsertRowid;
      this.stmts.fanToGroups.run(seq, message.okey, now, topic);
    }
  }

  private settle(grp: number, settlement: Settlement, now: number, published: Set<string>): void {
    const { seq, lease } = settlement;
    if (settlement.kind === 'ack') {
      // A lost lease (another consumer took the message) acks nothing, and its output is that consumer's to publish.
      if (this.stmts.ack.run(grp, seq, lease).changes === 1 && settlement.publish?.length) {
        this.insert(settlement.publish, now);
        for (const { topic } of settlement.publish) published.add(topic);
      }
    } else if (settlement.kind === 'dead') this.bury(grp, seq, lease, settlement.error, now);
    else this.stmts[settlement.kind].run(settlement.retryAt, JSON.stringify(settlement.error), grp, seq, lease);
  }

  private bury(grp: number, seq: number, lease: number, error: ErrorData, now: number): void {
    if (this.stmts.bury.run(JSON.stringify(error), now, grp, seq, lease).changes === 1) this.stmts.removeDelivery.run(grp, seq, lease);
  }

  private lease(grp: number, request: LeaseRequest): { leased: LeasedMessage[]; buried: number } {
    const rows = this.stmts.candidates.all(grp, request.now, request.limit) as CandidateRow[];
    const leased: LeasedMessage[] = [];
    let buried = 0;
    for (const row of rows) {
      if (row.attempts >= request.maxAttempts) {
        // Only an expired lease reaches here with attempts used up: nacks past the limit are buried when settled.
        const error: ErrorData = {
          code: 'LEASE_EXPIRED',
          message: `not acked within its lease on ${row.attempts} deliveries (the consumer crashed or hung)`,
          nonRetryable: false,
        };
        this.bury(grp, row.seq, row.lease, error, request.now);
        buried++;
        continue;
      }
      this.stmts.lease.run(request.now + request.leaseMs, grp, row.seq);
      leased.push({
        seq: row.seq,
        id: row.id,
        topic: row.topic,
        okey: row.okey,
        headers: row.headers,
        payload: row.payload,
        published_at: row.published_at,
        attempts: row.attempts + 1,
        lease: row.lease + 1,
      });
    }
    return { leased, buried };
  }
}
