// The SQLite broker: a durable queue in one WAL file shared by every process of a bot (the default, embedded adapter).
import { resolve } from 'node:path';
import { openSqlite, type SqliteDatabase, type WalCheckpoints } from '../sqlite/open.ts';
import { pruneInBatches } from '../sqlite/prune-in-batches.ts';
import { DEFAULT_BACKOFF } from './backoff.ts';
import { SqliteConsumer } from './sqlite-consumer.ts';
import { checkTopic, serialise } from './sqlite-message.ts';
import { type PendingPublish, SqliteQueue } from './sqlite-queue.ts';
import { SqliteSubscriber } from './sqlite-subscriber.ts';
import { SqliteWakeup } from './sqlite-wakeup.ts';
import {
  type Broker,
  BrokerError,
  type BrokerMessageInput,
  type ConsumeOptions,
  type DeadLetter,
  type Delivery,
  type DeliveryHandler,
  type SubscribeOptions,
  type Subscription,
  type TopicStats,
} from './types.ts';

export interface SqliteBrokerOptions {
  /** The database file, e.g. `.bot/broker.db`; every process of the bot opens the same one. */
  path: string;
  /** How long a message that no group holds any more stays readable by lagging fan-out subscribers and by groups created later. @default 60_000 */
  retentionMs?: number;
  /** How often to check for commits by other processes; it bounds cross-process wake-up latency. @default 1 */
  pollIntervalMs?: number;
  /** How long `close()` waits for running handlers. @default 10_000 */
  drainTimeoutMs?: number;
  /** How long a write waits for another process's lock before failing. @default 10_000 */
  busyTimeoutMs?: number;
  /** `external`: another process runs `startCheckpointer` on the file; this one checkpoints only as a backstop. @default 'auto' */
  walCheckpoints?: WalCheckpoints;
  /** Storage errors a consumer recovered from by retrying (reported, not thrown). */
  onStorageError?: (error: unknown) => void;
}

type PendingBatch = { items: PendingPublish[]; resolve: () => void; reject: (error: unknown) => void };

/** Opens (creating if needed) a SQLite broker on `options.path`. */
export function createSqliteBroker(options: SqliteBrokerOptions): Broker {
  return new SqliteBroker(options);
}

class SqliteBroker implements Broker {
  private readonly db: SqliteDatabase;
  private readonly queue: SqliteQueue;
  private readonly wakeup: SqliteWakeup;
  private readonly subscriptions = new Set<SqliteConsumer | SqliteSubscriber>();
  private pending: PendingBatch[] = [];
  private readonly pruneTimer: NodeJS.Timeout;
  private readonly retentionMs: number;
  private readonly drainTimeoutMs: number;
  private readonly onStorageError: (error: unknown) => void;
  private closed = false;
  /** The prune under way, if one is: a round can take several turns of the event loop. */
  private pruning: Promise<void> | undefined;

  constructor(options: SqliteBrokerOptions) {
    this.retentionMs = options.retentionMs ?? 60_000;
    this.drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
    this.onStorageError = options.onStorageError ?? (() => {});
    this.db = openSqlite(options.path, options.busyTimeoutMs, options.walCheckpoints);
    this.queue = new SqliteQueue(this.db);
    this.wakeup = new SqliteWakeup(this.db, resolve(options.path), options.pollIntervalMs ?? 1);
    this.pruneTimer = setInterval(() => this.prune(), Math.min(30_000, Math.max(1000, this.retentionMs / 4)));
    this.pruneTimer.unref();
  }

  publish(topic: string, message: BrokerMessageInput): Promise<string> {
    return this.publishBatch(topic, [message]).then((ids) => ids[0] as string);
  }

  publishBatch(topic: string, messages: readonly BrokerMessageInput[]): Promise<string[]> {
    try {
      if (this.closed) throw new BrokerError('BROKER_CLOSED', `cannot publish to "${topic}": the broker is closed`);
      checkTopic(topic);
      const items = messages.map((message) => ({ topic, message: serialise(topic, message) }));
      return new Promise<void>((resolve, reject) => {
        // Publishes made in the same turn of the event loop share one transaction (group commit): at the end of
        // the turn rather than of the tick, so requests read from several sockets at once batch too.
        if (this.pending.length === 0) setImmediate(() => this.flushPublishes());
        this.pending.push({ items, resolve, reject });
      }).then(() => items.map((item) => item.message.id));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async consume(topic: string, group: string, handler: DeliveryHandler, options: ConsumeOptions = {}): Promise<Subscription> {
    this.assertOpen('consume');
    checkTopic(topic);
    checkTopic(group, 'group');
    const resolved = {
      concurrency: positiveInt('concurrency', options.concurrency ?? 16),
      leaseMs: positiveInt('leaseMs', options.leaseMs ?? 30_000),
      maxAttempts: positiveInt('maxAttempts', options.maxAttempts ?? 5),
      backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
      onError: options.onError,
    };
    const groupId = this.queue.ensureGroup(topic, group);
    const consumer = new SqliteConsumer(
      this.queue,
      groupId,
      handler,
      resolved,
      this.drainTimeoutMs,
      (wake) => this.wakeup.listen(topic, wake),
      (c) => this.subscriptions.delete(c),
      this.onStorageError,
      (topics) => this.wakeup.published(topics),
    );
    this.subscriptions.add(consumer);
    return consumer;
  }

  async subscribe(topic: string, handler: (delivery: Delivery) => void | Promise<void>, options: SubscribeOptions = {}): Promise<Subscription> {
    this.assertOpen('subscribe');
    checkTopic(topic);
    const subscriber = new SqliteSubscriber(
      this.queue,
      topic,
      handler,
      options,
      this.drainTimeoutMs,
      (wake) => this.wakeup.listen(topic, wake),
      (s) => this.subscriptions.delete(s),
      this.onStorageError,
    );
    this.subscriptions.add(subscriber);
    return subscriber;
  }

  async stats(): Promise<TopicStats[]> {
    this.assertOpen('read stats');
    const byTopic = new Map<string, TopicStats>();
    for (const row of this.queue.stats(Date.now())) {
      const topic = byTopic.get(row.topic) ?? { topic: row.topic, groups: [], deadLetters: 0 };
      byTopic.set(row.topic, topic);
      topic.groups.push({
        group: row.name,
        ready: row.total - row.in_flight - row.retrying,
        inFlight: row.in_flight,
        retrying: row.retrying,
        deadLetters: row.dead,
      });
      topic.deadLetters += row.dead;
    }
    return [...byTopic.values()];
  }

  async listDeadLetters(topic?: string): Promise<DeadLetter[]> {
    this.assertOpen('list dead letters');
    return this.queue.deadLetters(topic ?? null).map((row) => ({
      id: String(row.id),
      topic: row.topic,
      group: row.grp_name,
      messageId: row.message_id,
      payload: JSON.parse(row.payload),
      headers: row.headers ? JSON.parse(row.headers) : {},
      ...(row.okey !== null && { orderingKey: row.okey }),
      attempts: row.attempts,
      error: JSON.parse(row.error),
      publishedAt: row.published_at,
      deadAt: row.dead_at,
    }));
  }

  async replayDeadLetter(id: string | 'all'): Promise<number> {
    this.assertOpen('replay dead letters');
    if (id !== 'all' && !/^[1-9][0-9]{0,15}$/.test(id)) return 0;
    const count = this.queue.replay(id === 'all' ? null : Number(id), Date.now());
    if (count > 0) this.wakeup.published();
    return count;
  }

  async close(options?: { timeoutMs?: number }): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close(options)));
    this.flushPublishes();
    clearInterval(this.pruneTimer);
    await this.pruning;
    this.wakeup.close();
    this.db.close();
  }

  private flushPublishes(): void {
    const batches = this.pending;
    if (batches.length === 0) return;
    this.pending = [];
    try {
      this.queue.publish(
        batches.flatMap((b) => b.items),
        Date.now(),
      );
    } catch (error) {
      for (const batch of batches) batch.reject(error);
      return;
    }
    for (const batch of batches) batch.resolve();
    this.wakeup.published(new Set(batches.flatMap((b) => b.items.map((i) => i.topic))));
  }

  private prune(): void {
    if (this.pruning) return;
    const cutoff = Date.now() - this.retentionMs;
    // The round's bound is found once (a scan of the old messages), and each batch starts where the last ended.
    let below: number | undefined;
    let after = 0;
    const step = (limit: number) => {
      below ??= this.queue.pruneBound(cutoff);
      const { deleted, last } = this.queue.pruneStep(after, below, limit);
      after = last;
      return deleted === limit;
    };
    this.pruning = pruneInBatches(this.db, [step], {
      stopped: () => this.closed,
      onError: this.onStorageError,
    }).finally(() => {
      this.pruning = undefined;
    });
  }

  private assertOpen(what: string): void {
    if (this.closed) throw new BrokerError('BROKER_CLOSED', `cannot ${what}: the broker is closed`);
  }
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new BrokerError('BROKER_INVALID_ARGUMENT', `consume option ${name} must be a positive integer, got ${value}`);
  return value;
}
