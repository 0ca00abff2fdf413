// Server-sent event streams of conversations: who listens to which conversation, heartbeats, and clean close.
import type { ServerResponse } from 'node:http';

export type StreamEventName = 'recognized' | 'clarification' | 'reply';

export class EventStreams {
  private readonly byConversation = new Map<string, Set<ServerResponse>>();
  private readonly heartbeat: NodeJS.Timeout;
  private count = 0;

  /**
   * Sends a comment line to every stream each `heartbeatMs`, so proxies and clients keep idle streams open.
   * `onLastClosed` runs when no stream is left.
   */
  constructor(
    heartbeatMs: number,
    private readonly onLastClosed: () => void = () => {},
  ) {
    // One timer for every stream: a stream costs nothing while idle.
    this.heartbeat = setInterval(() => this.beat(), heartbeatMs).unref();
  }

  get size(): number {
    return this.count;
  }

  /** Whether a stream listens to the conversation. */
  has(conversationId: string): boolean {
    return this.byConversation.has(conversationId);
  }

  /** Starts the SSE response on `res` and keeps it until the client goes or {@link closeAll}. */
  open(conversationId: string, res: ServerResponse): void {
    // The client may have gone while the stream was being set up: its 'close' has fired already and would never
    // take it off the count.
    if (res.destroyed || res.socket?.destroyed !== false) {
      if (this.count === 0) this.onLastClosed();
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n: connected\n\n');
    let streams = this.byConversation.get(conversationId);
    if (!streams) {
      streams = new Set();
      this.byConversation.set(conversationId, streams);
    }
    streams.add(res);
    this.count++;
    const open = streams;
    res.once('close', () => {
      if (!open.delete(res)) return;
      this.count--;
      if (open.size === 0 && this.byConversation.get(conversationId) === open) this.byConversation.delete(conversationId);
      if (this.count === 0) this.onLastClosed();
    });
  }

  /** Sends one event to every stream of the conversation; resolves how many got it. */
  send(conversationId: string, event: StreamEventName, id: string, data: unknown): number {
    const streams = this.byConversation.get(conversationId);
    if (!streams) return 0;
    const frame = `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of streams) res.write(frame);
    return streams.size;
  }

  /** Ends every stream (on shutdown) and stops the heartbeat. */
  closeAll(): void {
    clearInterval(this.heartbeat);
    for (const streams of this.byConversation.values()) for (const res of streams) res.end();
  }

  private beat(): void {
    for (const streams of this.byConversation.values()) for (const res of streams) res.write(': heartbeat\n\n');
  }
}
