// Wakes consumers promptly: directly on a publish in this process, by a doorbell ring from other processes, and
// as a safety net on any commit seen by a data_version poll (itself woken by fs.watch when idle).
import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from '../sqlite/open.ts';
import { SqliteDoorbell } from './sqlite-doorbell.ts';

type Listener = { topic: string; wake: () => void };

// Brokers in one process that share a file wake each other directly, without waiting for a poll.
const sameProcess = new Map<string, Set<SqliteWakeup>>();

// Idle, a slow poll plus a watch on the folder; after any sign of activity, a fast poll until it has been quiet this long.
const IDLE_POLL_MS = 50;
const QUIET_AFTER_MS = 250;
// With the doorbell working the poll only catches a lost ring or a publisher that does not know this listener yet.
const FALLBACK_POLL_MS = 10;

/**
 * Notices other processes' commits. `PRAGMA data_version` changes only when another connection commits and
 * costs a few µs to read, so a 1 ms poll gives sub-millisecond latency, but at ~4 % of a core per idle
 * process. So the poll is fast only while messages flow: when idle it slows to 50 ms and a watch on the
 * folder (inotify/FSEvents) reports the next write to the `-wal` file within ~0.1 ms, switching back to the
 * fast poll. The watch event alone cannot confirm a commit (it fires on the WAL write, before the commit is
 * visible), and fires many times per commit, which is why it is closed while the fast poll runs.
 * Measured in bench/broker/wake-mechanisms.ts and bench/broker/pipeline.ts.
 */
export class SqliteWakeup {
  private readonly listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private mode: 'off' | 'fast' | 'idle' = 'off';
  private lastActivity = 0;
  private version: number;
  // Prepared once: `db.pragma()` compiles the statement on every call, which at one poll a millisecond was
  // most of an idle process's CPU (bench/pipeline).
  private readonly dataVersion: Statement;
  private readonly doorbell: SqliteDoorbell;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly file: string,
    private readonly pollIntervalMs: number,
  ) {
    this.dataVersion = db.prepare('PRAGMA data_version').pluck();
    this.version = this.readVersion();
    this.doorbell = new SqliteDoorbell(
      db,
      (topics) => this.rung(topics),
      () => {
        if (this.mode === 'fast') this.goFast();
      },
    );
    const peers = sameProcess.get(file) ?? new Set();
    sameProcess.set(file, peers);
    peers.add(this);
  }

  /** Calls `wake` when `topic` may have new messages. Returns the function that stops it. */
  listen(topic: string, wake: () => void): () => void {
    const listener = { topic, wake };
    this.listeners.add(listener);
    this.doorbell.listen(topic);
    if (!this.timer) this.start();
    return () => {
      if (!this.listeners.delete(listener)) return;
      this.doorbell.unlisten(topic);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Tells every broker on this file in this process that `topics` (default: any) just got messages. */
  published(topics?: ReadonlySet<string>): void {
    for (const peer of sameProcess.get(this.file) ?? []) peer.fire(topics);
    this.doorbell.ring(topics);
  }

  close(): void {
    this.stop();
    this.doorbell.close();
    this.listeners.clear();
    const peers = sameProcess.get(this.file);
    peers?.delete(this);
    if (peers?.size === 0) sameProcess.delete(this.file);
  }

  private start(): void {
    this.version = this.readVersion();
    this.goFast();
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.unwatch();
    this.mode = 'off';
  }

  // The interval timer is referenced on purpose: a process whose only job is consuming stays alive while it consumes.
  private goFast(): void {
    this.unwatch();
    clearInterval(this.timer);
    this.mode = 'fast';
    this.lastActivity = Date.now();
    this.timer = setInterval(() => this.check(), this.doorbell.ready ? Math.max(FALLBACK_POLL_MS, this.pollIntervalMs) : this.pollIntervalMs);
  }

  private rung(topics: ReadonlySet<string> | undefined): void {
    if (!this.db.open) return;
    this.lastActivity = Date.now();
    if (this.mode === 'idle') this.goFast();
    this.fire(topics);
  }

  private goIdle(): void {
    clearInterval(this.timer);
    this.mode = 'idle';
    this.timer = setInterval(() => this.check(), Math.max(IDLE_POLL_MS, this.pollIntervalMs));
    const wal = `${basename(this.file)}-wal`;
    try {
      this.watcher = watch(dirname(this.file), { persistent: false }, (_event, name) => {
        if (name === wal && this.mode === 'idle') {
          this.goFast();
          this.check();
        }
      });
      this.watcher.on('error', () => this.unwatch());
    } catch {
      // No watching on this file system: the idle poll alone wakes consumers.
    }
  }

  private unwatch(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  private check(): void {
    if (!this.db.open) return;
    const version = this.readVersion();
    if (version !== this.version) {
      this.version = version;
      if (this.mode === 'idle') this.goFast();
      this.lastActivity = Date.now();
      this.fire(undefined);
    } else if (this.mode === 'fast' && Date.now() - this.lastActivity > QUIET_AFTER_MS) {
      this.goIdle();
    }
  }

  private fire(topics: ReadonlySet<string> | undefined): void {
    for (const listener of this.listeners) if (!topics || topics.has(listener.topic)) listener.wake();
  }

  private readVersion(): number {
    return this.dataVersion.get() as number;
  }
}
