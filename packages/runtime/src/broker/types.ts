// The Broker interface: durable topics with work-queue (consumer group) and fan-out delivery, at least once.
import type { ErrorData } from '../contracts/error-data.ts';

/** What a publisher sends. The payload must be JSON-serialisable; validate it with the contracts first. */
export interface BrokerMessageInput {
  payload: unknown;
  /** Messages with the same key are handled one at a time, in publish order, by a consumer group. Use the conversation id. */
  orderingKey?: string;
  /** Small string metadata (e.g. `traceparent`). */
  headers?: Record<string, string>;
  /** The message id. @default a new UUID */
  id?: string;
}

/** One message handed to a work-queue handler (or a fan-out subscriber). */
export interface Delivery {
  id: string;
  topic: string;
  payload: unknown;
  headers: Record<string, string>;
  orderingKey?: string;
  /** 1 on the first delivery, then 2, 3… (a redelivery after a crash or a nack counts; one after a deferral does not). Always 1 for fan-out. */
  attempt: number;
  publishedAt: number;
  /** Aborted when the consumer is closing and its drain timeout has passed: stop work, the lease will expire. */
  signal: AbortSignal;
  /** Pushes the lease out by `ms` (default: the consumer's `leaseMs`) for a long handler. Resolves false if the lease was already lost. */
  extendLease(ms?: number): Promise<boolean>;
  /**
   * Publishes `message` to `topic` with this delivery's ack: if and only if the handler resolves and its ack
   * commits (not when it throws, nor when its lease was lost to another consumer meanwhile). The SQLite adapter
   * commits both in one transaction: a handler's output is never lost or doubled by a crash between the two, and
   * the hop costs one commit instead of two. Work-queue deliveries only; a fan-out delivery throws
   * `BROKER_INVALID_ARGUMENT`. Throws `BROKER_PAYLOAD_NOT_JSON` at once for a payload that cannot be stored.
   */
  publishOnAck(topic: string, message: BrokerMessageInput): void;
}

/** How long a nacked message waits: `min(maxMs, initialMs * 2^(attempt-1))`, ±`jitter` of it. */
export interface BackoffOptions {
  /** @default 1000 */
  initialMs?: number;
  /** @default 60_000 */
  maxMs?: number;
  /** Random spread, 0 to 1, so retries of many messages do not arrive together. @default 0.2 */
  jitter?: number;
}

export interface ConsumeOptions {
  /** Handlers running at once in this consumer. Messages with one ordering key still go one at a time. @default 16 */
  concurrency?: number;
  /** Visibility timeout: a message leased this long without ack or nack is redelivered to another consumer. @default 30_000 */
  leaseMs?: number;
  /** Deliveries before a message moves to the dead-letter queue. @default 5 */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  /** Called when a handler throws (the message is nacked or dead-lettered either way). */
  onError?: (error: ErrorData, delivery: Delivery) => void;
}

/**
 * Handles one work-queue message. Resolving acks it. Throwing nacks it: it is redelivered after a backoff (or
 * after the thrown value's `retryAfterMs`, up to the backoff's `maxMs`, when the handler knows better), or dead-lettered at once when the
 * thrown value has `nonRetryable: true` (or after `maxAttempts`). A thrown value with `deferMs` defers the message
 * instead: redelivered after that long (up to `maxMs`) without using up an attempt, for work that is not this
 * handler's yet (another consumer holds it); `delivery.attempt` stays where it was.
 */
export type DeliveryHandler = (delivery: Delivery) => Promise<void>;

export interface SubscribeOptions {
  /** Called when a subscriber throws; fan-out does not redeliver. */
  onError?: (error: ErrorData, delivery: Delivery) => void;
}

export interface Subscription {
  /** Stops taking messages and waits (up to `timeoutMs`, default the broker's drain timeout) for running handlers. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

/** Depth of one consumer group's queue. */
export interface GroupStats {
  group: string;
  /** Waiting to be leased (including expired leases). */
  ready: number;
  /** Leased by a consumer right now. */
  inFlight: number;
  /** Nacked, waiting for their backoff. */
  retrying: number;
  deadLetters: number;
}

export interface TopicStats {
  topic: string;
  groups: GroupStats[];
  /** Dead letters of all groups of the topic. */
  deadLetters: number;
}

/** A message that exhausted its attempts (or failed non-retryably) in one consumer group. */
export interface DeadLetter {
  /** The dead letter's own id, for {@link Broker.replayDeadLetter}. */
  id: string;
  topic: string;
  group: string;
  messageId: string;
  payload: unknown;
  headers: Record<string, string>;
  orderingKey?: string;
  attempts: number;
  /** Why the last attempt failed; `LEASE_EXPIRED` when the consumer died holding it. */
  error: ErrorData;
  publishedAt: number;
  deadAt: number;
}

/**
 * A durable message broker. Delivery is at least once: handlers must tolerate a redelivery
 * (the executor's idempotency ledger turns that into exactly-once effects).
 *
 * Two shapes on any topic:
 * - work queue ({@link Broker.consume}): each message goes to one member of each consumer group. A group is
 *   created by its first `consume` and then keeps every message published to the topic until acked, even
 *   while no member runs; a new group also receives messages still retained from before it existed.
 * - fan-out ({@link Broker.subscribe}): every live subscriber sees every message published after it subscribed.
 */
export interface Broker {
  /** Publishes one message; resolves with its id once it is committed (durable). Publishes in the same turn of the event loop share a commit. */
  publish(topic: string, message: BrokerMessageInput): Promise<string>;
  /** Publishes several messages in one commit, in order; resolves with their ids. */
  publishBatch(topic: string, messages: readonly BrokerMessageInput[]): Promise<string[]>;
  /**
   * Joins consumer group `group` of `topic` (creating it if new) and runs `handler` for its messages.
   * Resolves once the group exists; rejects with `BROKER_INVALID_ARGUMENT` on bad names or options.
   */
  consume(topic: string, group: string, handler: DeliveryHandler, options?: ConsumeOptions): Promise<Subscription>;
  /**
   * Runs `handler` for every message published to `topic` after the returned promise resolves,
   * one at a time, in publish order. A handler that throws is reported to `onError`; fan-out does not redeliver.
   */
  subscribe(topic: string, handler: (delivery: Delivery) => void | Promise<void>, options?: SubscribeOptions): Promise<Subscription>;
  /** Queue depths and dead-letter counts per topic and group (for `bot status`). */
  stats(): Promise<TopicStats[]>;
  /** Dead letters, oldest first, of one topic or all. */
  listDeadLetters(topic?: string): Promise<DeadLetter[]>;
  /** Puts a dead letter (or `'all'` of them) back on its group's queue with fresh attempts; resolves with how many. */
  replayDeadLetter(id: string | 'all'): Promise<number>;
  /** Stops every consumer and subscriber, waits for running handlers (up to `timeoutMs`), and releases resources. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

/** Broker error codes; thrown as {@link BrokerError}. */
export type BrokerErrorCode = 'BROKER_CLOSED' | 'BROKER_INVALID_ARGUMENT' | 'BROKER_PAYLOAD_NOT_JSON';

/** Misuse of the broker (bad topic name, publish after close…). Not retryable: the same call fails the same way. */
export class BrokerError extends Error {
  override readonly name = 'BrokerError';
  readonly nonRetryable = true;
  constructor(
    readonly code: BrokerErrorCode,
    message: string,
  ) {
    super(message);
  }
}
