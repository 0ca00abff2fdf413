// Requests waiting (?wait) for the reply to their message, keyed by message id, each with its own deadline.
import type { ReplyMessage } from '../../contracts/messages.ts';

/** One waiting request. `reply` resolves with the reply, or undefined at the deadline or on cancel. */
export interface Waiter {
  reply: Promise<ReplyMessage | undefined>;
  cancel(): void;
}

interface Entry {
  resolve: (reply: ReplyMessage | undefined) => void;
  timer: NodeJS.Timeout;
}

export class ReplyWaiters {
  private readonly byId = new Map<string, Set<Entry>>();
  private count = 0;

  /** How many requests wait right now. */
  get size(): number {
    return this.count;
  }

  /** Whether a request waits for the reply to message `id`. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Registers a waiter for message `id` for `ms` milliseconds. Register before the message can be answered. */
  wait(id: string, ms: number): Waiter {
    let entry!: Entry;
    const reply = new Promise<ReplyMessage | undefined>((resolve) => {
      entry = { resolve, timer: setTimeout(() => this.settle(id, entry, undefined), ms) };
    });
    let entries = this.byId.get(id);
    if (!entries) {
      entries = new Set();
      this.byId.set(id, entries);
    }
    entries.add(entry);
    this.count++;
    return { reply, cancel: () => this.settle(id, entry, undefined) };
  }

  /** Answers every request waiting for the reply's input; resolves how many there were. */
  deliver(message: ReplyMessage): number {
    const entries = this.byId.get(message.inputId);
    if (!entries) return 0;
    const n = entries.size;
    for (const entry of [...entries]) this.settle(message.inputId, entry, message);
    return n;
  }

  /** Releases every waiter (as timed out), e.g. on shutdown. */
  releaseAll(): void {
    for (const [id, entries] of this.byId) for (const entry of [...entries]) this.settle(id, entry, undefined);
  }

  private settle(id: string, entry: Entry, message: ReplyMessage | undefined): void {
    const entries = this.byId.get(id);
    if (!entries?.delete(entry)) return;
    if (entries.size === 0) this.byId.delete(id);
    this.count--;
    clearTimeout(entry.timer);
    entry.resolve(message);
  }
}
