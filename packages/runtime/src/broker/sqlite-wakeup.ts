// Wakes consumers promptly: directly on a publish in this process, and by polling `PRAGMA data_version` for commits of other processes.
import type { SqliteDatabase } from './sqlite-open.ts';

type Listener = { topic: string; wake: () => void };

// Brokers in one process that share a file wake each other directly, without waiting for a poll.
const sameProcess = new Map<string, Set<SqliteWakeup>>();

/**
 * `data_version` changes only when another connection commits, and reading it is a few microseconds, so a
 * short poll interval costs little while idle and bounds cross-process latency. (Measured against fs.watch
 * on the -wal file in bench/broker; the poll won on latency and never misses, since inotify drops nothing
 * but SQLite may reuse the WAL without a visible event.)
 */
export class SqliteWakeup {
  private readonly listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | undefined;
  private version: number;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly fileKey: string,
    private readonly pollIntervalMs: number,
  ) {
    this.version = this.readVersion();
    let peers = sameProcess.get(fileKey);
    if (!peers) sameProcess.set(fileKey, (peers = new Set()));
    peers.add(this);
  }

  /** Calls `wake` when `topic` may have new messages. Returns the function that stops it. */
  listen(topic: string, wake: () => void): () => void {
    const listener = { topic, wake };
    this.listeners.add(listener);
    if (!this.timer) {
      this.version = this.readVersion();
      // Referenced on purpose: a process whose only job is consuming stays alive while it consumes.
      this.timer = setInterval(() => this.poll(), this.pollIntervalMs);
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** Tells every broker on this file in this process that `topics` just got messages. */
  published(topics: ReadonlySet<string>): void {
    for (const peer of sameProcess.get(this.fileKey) ?? []) peer.fire(topics);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.listeners.clear();
    const peers = sameProcess.get(this.fileKey);
    peers?.delete(this);
    if (peers?.size === 0) sameProcess.delete(this.fileKey);
  }

  private poll(): void {
    const version = this.readVersion();
    if (version === this.version) return;
    this.version = version;
    this.fire(undefined);
  }

  private fire(topics: ReadonlySet<string> | undefined): void {
    for (const listener of this.listeners) if (!topics || topics.has(listener.topic)) listener.wake();
  }

  private readVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }
}
