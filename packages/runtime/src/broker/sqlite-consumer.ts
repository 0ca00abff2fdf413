// A work-queue consumer on SQLite: leases batches, runs handlers with bounded concurrency, settles in the next transaction.
import { setMaxListeners } from 'node:events';
import { toErrorData } from '../contracts/error-data.ts';
import { backoffDelay, deferredBy, type ResolvedBackoff, retryAfterOf } from './backoff.ts';
import { checkTopic, serialise } from './sqlite-message.ts';
import type { LeasedMessage, PendingPublish, Settlement, SqliteQueue } from './sqlite-queue.ts';
import { BrokerError, type BrokerMessageInput, type ConsumeOptions, type Delivery, type DeliveryHandler, type Subscription } from './types.ts';

export interface ResolvedConsumeOptions {
  concurrency: number;
  leaseMs: number;
  maxAttempts: number;
  backoff: ResolvedBackoff;
  onError: ConsumeOptions['onError'];
}

// Timers only cover retries and other consumers' lease expiries; commits wake us through SqliteWakeup.
// The cap is a safety net against a missed wake, not the delivery path.
const MAX_TIMER_MS = 1000;
const BUSY_RETRY_MS = 50;

type State = 'running' | 'draining' | 'closed';

/** What a handler publishes on ack; closed once the handler settles. */
interface Outbox {
  items: PendingPublish[];
  open: boolean;
}

export class SqliteConsumer implements Subscription {
  private state: State = 'running';
  private inFlight = 0;
  private pending: Settlement[] = [];
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly abort = abortControllerForHandlers();
  private idle: (() => void)[] = [];
  private readonly stopListening: () => void;

  constructor(
    private readonly queue: SqliteQueue,
    private readonly group: number,
    private readonly handler: DeliveryHandler,
    private readonly options: ResolvedConsumeOptions,
    private readonly drainTimeoutMs: number,
    listen: (wake: () => void) => () => void,
    private readonly onClosed: (consumer: SqliteConsumer) => void,
    /** Reports storage failures (e.g. a lock held past busy_timeout); the consumer retries on its own. */
    private readonly onStorageError: (error: unknown) => void,
    /** Rings the doorbells of topics that got messages published on ack. */
    private readonly onPublished: (topics: ReadonlySet<string>) => void,
  ) {
    this.stopListening = listen(() => this.schedule());
    this.schedule();
  }

  async close(options?: { timeoutMs?: number }): Promise<void> {
    if (this.state !== 'running') return this.whenIdle();
    this.state = 'draining';
    this.stopListening();
    clearTimeout(this.timer);
    const drained = await Promise.race([
      this.whenIdle().then(() => true),
      new Promise<false>((resolve) => setTimeout(resolve, options?.timeoutMs ?? this.drainTimeoutMs, false).unref()),
    ]);
    // Handlers still running keep their leases, which expire and are redelivered elsewhere.
    if (!drained) this.abort.abort(new Error('consumer closed before the handler finished'));
    this.flush();
    this.state = 'closed';
    this.onClosed(this);
  }

  private whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.state === 'closed') return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.state === 'closed') return;
    const free = this.state === 'running' ? this.options.concurrency - this.inFlight : 0;
    if (free <= 0 && this.pending.length === 0) return;
    const now = Date.now();
    // Every commit to the file by any process wakes every consumer; most have nothing to lease. Checking with a
    // read first spares the write lock all processes contend for (bench/pipeline: one empty lease transaction
    // per consumer per commit before).
    if (this.pending.length === 0) {
      let leasable: boolean;
      try {
        leasable = this.queue.mayLease(this.group, now);
      } catch (error) {
        this.onStorageError(error);
        this.arm(now + BUSY_RETRY_MS, now);
        return;
      }
      if (!leasable) {
        this.armNext(now);
        return;
      }
    }
    const settlements = this.pending;
    this.pending = [];
    let result: ReturnType<SqliteQueue['settleAndLease']>;
    try {
      const request = free > 0 ? { limit: free, now, leaseMs: this.options.leaseMs, maxAttempts: this.options.maxAttempts } : undefined;
      result = this.queue.settleAndLease(this.group, settlements, request);
    } catch (error) {
      this.pending.unshift(...settlements);
      this.onStorageError(error);
      this.arm(now + BUSY_RETRY_MS, now);
      return;
    }
    if (result.published.size > 0) this.onPublished(result.published);
    for (const message of result.leased) this.run(message);
    if (free <= 0) return;
    if (result.buried > 0 || result.leased.length === free) this.schedule();
    else this.armNext(now);
  }

  private armNext(now: number): void {
    let next: number | undefined;
    try {
      next = this.queue.nextAvailableAt(this.group, now);
    } catch (error) {
      this.onStorageError(error);
      next = now + BUSY_RETRY_MS;
    }
    this.arm(next ?? now + MAX_TIMER_MS, now);
  }

  private arm(at: number, now: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.schedule(), Math.min(MAX_TIMER_MS, Math.max(1, at - now + 1)));
    this.timer.unref();
  }

  private run(message: LeasedMessage): void {
    this.inFlight++;
    const outbox: Outbox = { items: [], open: true };
    const delivery = this.toDelivery(message, outbox);
    let result: Promise<void>;
    try {
      result = this.handler(delivery);
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(
      () => {
        outbox.open = false;
        this.settled({ kind: 'ack', seq: message.seq, lease: message.lease, ...(outbox.items.length > 0 && { publish: outbox.items }) });
      },
      (thrown: unknown) => {
        outbox.open = false;
        const error = toErrorData(thrown);
        this.options.onError?.(error, delivery);
        const { seq, lease, attempts } = message;
        const deferMs = deferredBy(thrown);
        if (deferMs !== undefined && !error.nonRetryable)
          this.settled({ kind: 'defer', seq, lease, error, retryAt: Date.now() + Math.min(deferMs, this.options.backoff.maxMs) });
        else if (error.nonRetryable || attempts >= this.options.maxAttempts) this.settled({ kind: 'dead', seq, lease, error });
        else {
          const asked = retryAfterOf(thrown);
          const delay = asked === undefined ? backoffDelay(attempts, this.options.backoff) : Math.min(asked, this.options.backoff.maxMs);
          this.settled({ kind: 'nack', seq, lease, error, retryAt: Date.now() + delay });
        }
      },
    );
  }

  private settled(settlement: Settlement): void {
    this.inFlight--;
    // After close the database may be gone: dropping the settlement leaves the lease to expire (at least once).
    if (this.state !== 'closed') {
      this.pending.push(settlement);
      this.schedule();
    }
    if (this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    try {
      const { published } = this.queue.settleAndLease(this.group, this.pending.splice(0));
      if (published.size > 0) this.onPublished(published);
    } catch (error) {
      this.onStorageError(error);
    }
  }

  private toDelivery(message: LeasedMessage, outbox: Outbox): Delivery {
    const { queue, group, options } = this;
    return {
      id: message.id,
      topic: message.topic,
      payload: JSON.parse(message.payload),
      headers: message.headers ? JSON.parse(message.headers) : {},
      ...(message.okey !== null && { orderingKey: message.okey }),
      attempt: message.attempts,
      publishedAt: message.published_at,
      signal: this.abort.signal,
      extendLease: async (ms = options.leaseMs) => this.state !== 'closed' && queue.extendLease(group, message.seq, message.lease, Date.now() + ms),
      publishOnAck: (topic: string, input: BrokerMessageInput) => {
        if (!outbox.open) throw new BrokerError('BROKER_INVALID_ARGUMENT', `publishOnAck after the handler of ${message.id} settled: call it before returning`);
        checkTopic(topic);
        outbox.items.push({ topic, message: serialise(topic, input) });
      },
    };
  }
}

// Every concurrent handler (and what it passes the signal to, such as cockatiel's timeout) listens on one
// signal; Node warns past 10 listeners, which here is the design, not a leak.
function abortControllerForHandlers(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}
