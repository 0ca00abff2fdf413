// The gateway's HTTP client for the receiver: keep-alive connections reused across requests, errors mapped to ours.
import http from 'node:http';
import { HTTP_ERRORS, HttpError, type HttpErrorCode } from '../http/errors.ts';

/** What the receiver answers for an accepted input. */
export interface ReceiverAccepted {
  id: string;
  traceId: string;
  conversationId: string;
  duplicate: boolean;
}

export interface ReceiverClient {
  /** POSTs the input to the receiver; throws an HttpError (the receiver's 4xx, or RECEIVER_UNAVAILABLE/RECEIVER_FAILED). */
  forward(input: Record<string, unknown>, traceparent: string): Promise<ReceiverAccepted>;
  /** True when the receiver's /healthz answers 200 within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): void;
}

interface Answer {
  status: number;
  body: unknown;
}

interface Pending {
  /** The input, serialised once. */
  json: string;
  /** Its size in UTF-8 bytes. */
  bytes: number;
  traceparent: string;
  resolve: (accepted: ReceiverAccepted) => void;
  reject: (error: unknown) => void;
}

// A batch request holds at most 16 inputs of at most 32 KB each (a larger one goes on its own), so it stays well
// below the 1 MB the receiver takes a batch.
const MAX_BATCH = 16;
const ALONE_BYTES = 32 * 1024;

/** A client for the receiver at `baseUrl` (e.g. `http://127.0.0.1:4001`). */
export function createReceiverClient(baseUrl: string, timeoutMs = 10_000): ReceiverClient {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 128, scheduling: 'lifo' });
  const unavailable = (cause: string) =>
    new HttpError('RECEIVER_UNAVAILABLE', 'the bot is not accepting messages right now (its receiver is unreachable); retry in a few seconds', { cause });

  const unreachable = (error: unknown) => unavailable((error as { code?: string }).code ?? 'unknown');

  function request(method: 'GET' | 'POST', path: string, payload: string | undefined, headers: Record<string, string>, timeout: number): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          agent,
          hostname: url.hostname,
          port: url.port,
          path,
          method,
          headers: payload === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(payload) },
          timeout,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            try {
              resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
            } catch {
              resolve({ status: res.statusCode ?? 0, body: undefined });
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', (error: NodeJS.ErrnoException) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
      req.end(payload);
    });
  }

  async function send(path: string, payload: string, traceparent: string | undefined): Promise<Answer> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(traceparent && { traceparent }) };
    try {
      return await request('POST', path, payload, headers, timeoutMs);
    } catch (error) {
      // A kept-alive socket the receiver closed while idle fails before the request reached it: one retry on a fresh socket.
      const { code, reusedSocket } = error as { code?: string; reusedSocket?: boolean };
      if (reusedSocket && code === 'ECONNRESET') return request('POST', path, payload, headers, timeoutMs);
      throw error;
    }
  }

  /** The receiver's answer for one input: its identity, or the HttpError to throw. */
  function settle(answer: Answer): ReceiverAccepted {
    if (answer.status === 202) return answer.body as ReceiverAccepted;
    const error = (answer.body as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    const code = error?.code as HttpErrorCode | undefined;
    // The receiver's own client errors (bad input, a key in use) are the caller's to fix: pass them through.
    if (answer.status < 500 && code && HTTP_ERRORS[code] === answer.status) throw new HttpError(code, error?.message ?? code, error?.details);
    if (answer.status === 503) throw unavailable(code ?? 'HTTP 503');
    throw new HttpError('RECEIVER_FAILED', 'the bot could not take the message (its receiver failed); retry, and report it if it persists', {
      status: answer.status,
      ...(code && { code }),
    });
  }

  async function forwardOne(item: Pending): Promise<void> {
    let answer: Answer;
    try {
      answer = await send('/v1/inputs', item.json, item.traceparent);
    } catch (error) {
      return item.reject(unreachable(error));
    }
    try {
      item.resolve(settle(answer));
    } catch (error) {
      item.reject(error);
    }
  }

  async function forwardBatch(items: Pending[]): Promise<void> {
    const body = `{"inputs":[${items.map((item) => `{"input":${item.json},"traceparent":${JSON.stringify(item.traceparent)}}`).join(',')}]}`;
    let answer: Answer;
    try {
      answer = await send('/v1/inputs/batch', body, undefined);
    } catch (error) {
      for (const item of items) item.reject(unreachable(error));
      return;
    }
    // A receiver without the batch route (an older version mid-deploy), or one that finds the batch too large:
    // the inputs go one by one, so each gets its own answer.
    if (answer.status === 404 || answer.status === 413) {
      await Promise.all(items.map(forwardOne));
      return;
    }
    const results = (answer.body as { results?: Answer[] } | undefined)?.results;
    items.forEach((item, i) => {
      const result = answer.status === 200 && results?.length === items.length ? results[i] : undefined;
      try {
        item.resolve(settle(result ?? answer));
      } catch (error) {
        item.reject(error);
      }
    });
  }

  // Inputs arriving in the same turn of the event loop go to the receiver in one request: under load that saves
  // an HTTP exchange per message on both sides (bench/pipeline). Alone, an input goes as it always did.
  let queue: Pending[] = [];
  const flush = () => {
    const items = queue;
    queue = [];
    const batchable: Pending[] = [];
    for (const item of items) {
      if (item.bytes > ALONE_BYTES) void forwardOne(item);
      else batchable.push(item);
    }
    for (let i = 0; i < batchable.length; i += MAX_BATCH) {
      const chunk = batchable.slice(i, i + MAX_BATCH);
      void (chunk.length === 1 ? forwardOne(chunk[0] as Pending) : forwardBatch(chunk));
    }
  };

  return {
    forward(input, traceparent) {
      return new Promise<ReceiverAccepted>((resolve, reject) => {
        const json = JSON.stringify(input);
        queue.push({ json, bytes: Buffer.byteLength(json), traceparent, resolve, reject });
        if (queue.length === 1) setImmediate(flush);
      });
    },
    async ping(timeout = 1_000) {
      try {
        return (await request('GET', '/healthz', undefined, {}, timeout)).status === 200;
      } catch {
        return false;
      }
    },
    close() {
      agent.destroy();
    },
  };
}
