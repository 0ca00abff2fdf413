// A fan-out subscriber on SQLite: a cursor over the topic's log, starting at the last message committed when it subscribed.
import { toErrorData } from '../contracts/error-data.ts';
import type { SqliteQueue, StoredMessage } from './sqlite-queue.ts';
import { BrokerError, type Delivery, type SubscribeOptions, type Subscription } from './types.ts';

const PAGE = 256;
const noLease = async () => true;

export class SqliteSubscriber implements Subscription {
  private cursor: number;
  private running = false;
  private dirty = false;
  private closing = false;
  private idle: (() => void)[] = [];
  private readonly abort = new AbortController();
  private readonly stopListening: () => void;

  constructor(
    private readonly queue: SqliteQueue,
    private readonly topic: string,
    private readonly handler: (delivery: Delivery) => void | Promise<void>,
    private readonly options: SubscribeOptions,
    private readonly drainTimeoutMs: number,
    listen: (wake: () => void) => () => void,
    private readonly onClosed: (subscriber: SqliteSubscriber) => void,
    private readonly onStorageError: (error: unknown) => void,
  ) {
    this.cursor = queue.lastSeq();
    this.stopListening = listen(() => this.wake());
  }

  async close(options?: { timeoutMs?: number }): Promise<void> {
    this.closing = true;
    this.stopListening();
    if (this.running) {
      const done = new Promise<void>((resolve) => this.idle.push(resolve));
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, options?.timeoutMs ?? this.drainTimeoutMs).unref());
      await Promise.race([done, timeout]);
      this.abort.abort(new Error('subscriber closed'));
    }
    this.onClosed(this);
  }

  private wake(): void {
    if (this.running) this.dirty = true;
    else void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      let full = false;
      do {
        this.dirty = false;
        let rows: StoredMessage[];
        try {
          rows = this.queue.readFanout(this.topic, this.cursor, PAGE);
        } catch (error) {
          this.onStorageError(error);
          break;
        }
        full = rows.length === PAGE;
        for (const row of rows) {
          if (this.closing) return;
          this.cursor = row.seq;
          await this.deliver(row);
        }
      } while ((full || this.dirty) && !this.closing);
    } finally {
      this.running = false;
      for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  private async deliver(row: StoredMessage): Promise<void> {
    const delivery: Delivery = {
      id: row.id,
      topic: row.topic,
      payload: JSON.parse(row.payload),
      headers: row.headers ? JSON.parse(row.headers) : {},
      ...(row.okey !== null && { orderingKey: row.okey }),
      attempt: 1,
      publishedAt: row.published_at,
      signal: this.abort.signal,
      extendLease: noLease,
      publishOnAck: noAck,
    };
    try {
      await this.handler(delivery);
    } catch (thrown) {
      this.options.onError?.(toErrorData(thrown), delivery);
    }
  }
}

function noAck(): never {
  throw new BrokerError('BROKER_INVALID_ARGUMENT', 'publishOnAck is for work-queue deliveries: a fan-out delivery is not acked; use publish');
}
