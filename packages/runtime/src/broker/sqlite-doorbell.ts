// Cross-process wake-ups for the SQLite broker: listeners of a topic register a loopback UDP port in the broker
// file, and a publisher rings those ports right after its commit.
import { createSocket, type Socket } from 'node:dgram';
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from '../sqlite/open.ts';

// A registration not refreshed for this long belongs to a process that died without closing.
const STALE_MS = 60_000;
const REFRESH_MS = 10_000;
// How long a publisher trusts its list of a topic's ports. A listener newer than that is woken by the poll.
const PORTS_TTL_MS = 200;
const ANY = '*';

/**
 * A process's doorbell: one UDP socket on 127.0.0.1, bound when it first listens. A ring is a datagram naming the
 * topics that got messages; it carries no data (the messages are in the file), so a lost ring only costs the
 * poll's delay. Measured in bench/pipeline: a hop waited ~1 ms for the 1 ms poll before, ~0.1 ms for a ring.
 */
export class SqliteDoorbell {
  private socket: Socket | undefined;
  private port: number | undefined;
  private readonly topics = new Map<string, number>();
  private readonly ports = new Map<string, { at: number; ports: number[] }>();
  private refreshTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly st: {
    register: Statement;
    unregister: Statement;
    unregisterAll: Statement;
    refresh: Statement;
    forgetStale: Statement;
    listeners: Statement;
    everyone: Statement;
  };

  constructor(
    private readonly db: SqliteDatabase,
    private readonly onRing: (topics: ReadonlySet<string> | undefined) => void,
    /** Called once the socket is bound and registered: from then on rings arrive. */
    private readonly onReady: () => void,
  ) {
    this.st = {
      register: db.prepare('INSERT OR REPLACE INTO broker_doorbells (topic, port, pid, seen_at) VALUES (?, ?, ?, ?)'),
      unregister: db.prepare('DELETE FROM broker_doorbells WHERE topic = ? AND port = ?'),
      unregisterAll: db.prepare('DELETE FROM broker_doorbells WHERE port = ? AND pid = ?'),
      refresh: db.prepare('UPDATE broker_doorbells SET seen_at = ? WHERE port = ? AND pid = ?'),
      forgetStale: db.prepare('DELETE FROM broker_doorbells WHERE seen_at < ?'),
      listeners: db.prepare('SELECT DISTINCT port FROM broker_doorbells WHERE topic = ? AND seen_at > ?').pluck(),
      everyone: db.prepare('SELECT DISTINCT port FROM broker_doorbells WHERE seen_at > ?').pluck(),
    };
  }

  /** Whether rings reach this process (its socket is bound and registered). */
  get ready(): boolean {
    return this.port !== undefined;
  }

  /** Starts taking rings for `topic` (counted: several consumers of one topic share the registration). */
  listen(topic: string): void {
    const count = this.topics.get(topic) ?? 0;
    this.topics.set(topic, count + 1);
    if (count > 0) return;
    if (!this.socket) this.openSocket();
    else if (this.port !== undefined) this.register(topic);
  }

  unlisten(topic: string): void {
    const count = this.topics.get(topic) ?? 0;
    if (count > 1) {
      this.topics.set(topic, count - 1);
      return;
    }
    this.topics.delete(topic);
    if (this.port !== undefined) this.safely(() => this.st.unregister.run(topic, this.port));
  }

  /** Rings every process listening to one of `topics` (all listeners when undefined). Call after the commit. */
  ring(topics: ReadonlySet<string> | undefined): void {
    if (this.closed) return;
    const now = Date.now();
    const targets = new Set<number>();
    for (const topic of topics ?? [ANY]) for (const port of this.portsOf(topic, now)) if (port !== this.port) targets.add(port);
    if (targets.size === 0) return;
    const socket = this.socket ?? this.openSocket();
    const message = Buffer.from(topics ? [...topics].join('\n') : ANY);
    for (const port of targets) socket.send(message, port, '127.0.0.1');
  }

  close(): void {
    this.closed = true;
    clearInterval(this.refreshTimer);
    if (this.port !== undefined && this.db.open) this.safely(() => this.st.unregisterAll.run(this.port, process.pid));
    this.socket?.close();
    this.socket = undefined;
    this.port = undefined;
  }

  private portsOf(topic: string, now: number): number[] {
    const cached = this.ports.get(topic);
    if (cached && now - cached.at < PORTS_TTL_MS) return cached.ports;
    const ports = this.safely(() => (topic === ANY ? this.st.everyone.all(now - STALE_MS) : this.st.listeners.all(topic, now - STALE_MS)) as number[]) ?? [];
    this.ports.set(topic, { at: now, ports });
    return ports;
  }

  // Bound at once, for rings out and in: a socket that sends before it is bound would get a port implicitly.
  private openSocket(): Socket {
    const socket = createSocket('udp4');
    // A failing socket only loses rings; the poll still wakes consumers.
    socket.on('error', () => {});
    socket.on('message', (message) => {
      const text = message.toString('utf8');
      this.onRing(text === ANY ? undefined : new Set(text.split('\n')));
    });
    socket.once('listening', () => {
      if (this.closed) return;
      this.port = socket.address().port;
      for (const topic of this.topics.keys()) this.register(topic);
      this.refreshTimer = setInterval(() => {
        const now = Date.now();
        this.safely(() => this.st.refresh.run(now, this.port, process.pid));
        // Rows of processes that died without closing (kill -9) are no longer refreshed.
        this.safely(() => this.st.forgetStale.run(now - STALE_MS));
      }, REFRESH_MS);
      this.refreshTimer.unref();
      this.onReady();
    });
    socket.bind(0, '127.0.0.1');
    socket.unref();
    this.socket = socket;
    return socket;
  }

  private register(topic: string): void {
    this.safely(() => this.st.register.run(topic, this.port, process.pid, Date.now()));
  }

  // Registration is an optimisation: a locked or closed file must not fail a publish or a consume.
  private safely<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch {
      return undefined;
    }
  }
}
