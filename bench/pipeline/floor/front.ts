// The floor pipeline's front (inputbot's gateway, minus everything but the message path): POST /v1/messages gives
// the input an id and forwards the inputs of one event-loop turn to the receiver in one POST /batch (16 at most, as
// the gateway does); answers 202 {id} once the receiver has them, or with ?wait=<ms> 200 {id, reply} once the
// reply arrives on 'replies' (202 {id} if it does not in time). Consumes 'replies' itself.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { acker, BROKER_FILE, consume, type Leased, open, ready } from './common.ts';

const RECEIVER_PORT = Number(process.env.RECEIVER_PORT);
const MAX_BATCH = 16;
const agent = new http.Agent({ keepAlive: true, maxSockets: 128, scheduling: 'lifo' });

interface Pending {
  json: string;
  done: (accepted: boolean) => void;
}

let queue: Pending[] = [];
function flush(): void {
  const items = queue;
  queue = [];
  for (let i = 0; i < items.length; i += MAX_BATCH) forward(items.slice(i, i + MAX_BATCH));
}

function forward(items: Pending[]): void {
  const body = `[${items.map((item) => item.json).join(',')}]`;
  const req = http.request(
    {
      agent,
      hostname: '127.0.0.1',
      port: RECEIVER_PORT,
      path: '/batch',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    },
    (res) => {
      res.resume();
      res.on('end', () => {
        for (const item of items) item.done(res.statusCode === 200);
      });
    },
  );
  req.on('error', () => {
    for (const item of items) item.done(false);
  });
  req.end(body);
}

const json = (res: http.ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

/** `?wait` responses held until their reply comes, by message id. */
const waiters = new Map<string, (reply: string | undefined) => void>();

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || !req.url?.startsWith('/v1/messages')) return json(res, 404, { error: 'not found' });
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return json(res, 400, { error: 'bad json' });
    }
    const id = randomUUID();
    const waitMs = Number(/[?&]wait=(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
    let timer: NodeJS.Timeout | undefined;
    if (waitMs > 0) {
      timer = setTimeout(() => settle(undefined), waitMs);
      const settle = (reply: string | undefined) => {
        clearTimeout(timer);
        waiters.delete(id);
        if (reply === undefined) json(res, 202, { id });
        else json(res, 200, { id, reply });
      };
      waiters.set(id, settle);
    }
    queue.push({
      json: JSON.stringify({ ...input, id }),
      done: (accepted) => {
        if (!accepted) {
          clearTimeout(timer);
          waiters.delete(id);
          json(res, 502, { error: 'receiver failed' });
        } else if (waitMs === 0) json(res, 202, { id });
      },
    });
    if (queue.length === 1) setImmediate(flush);
  });
});
server.keepAliveTimeout = 60_000;

const broker = open(BROKER_FILE);
const ack = acker(broker);
await consume(broker, 'replies', (batch: Leased[]) => {
  for (const m of batch) {
    const { id, reply } = JSON.parse(m.payload) as { id: string; reply: string };
    waiters.get(id)?.(reply);
  }
  ack(batch, []);
});
server.listen(0, '127.0.0.1', () => ready((server.address() as { port: number }).port));
