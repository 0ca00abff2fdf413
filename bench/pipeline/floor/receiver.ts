// The floor pipeline's receiver: POST /batch takes the inputs the front collected, records each as `received`
// (one state.db transaction) and enqueues it on 'inputs' (one broker.db transaction), then rings nlp.
import http from 'node:http';
import { BROKER_FILE, immediate, open, ready, ringer, STATE_FILE } from './common.ts';

interface Input {
  id: string;
  conversationId?: string;
}

const state = open(STATE_FILE);
const broker = open(BROKER_FILE);
const insertStatus = state.prepare("INSERT INTO status (id, status) VALUES (?, 'received')");
const insertMessage = broker.prepare("INSERT INTO messages (topic, key, payload, lease_until, attempts) VALUES ('inputs', ?, ?, 0, 0)");
const record = immediate(state, (inputs: Input[]) => {
  for (const input of inputs) insertStatus.run(input.id);
});
const enqueue = immediate(broker, (inputs: Input[]) => {
  for (const input of inputs) insertMessage.run(input.conversationId ?? input.id, JSON.stringify(input));
});
const ring = ringer(broker);

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/batch') {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    try {
      const inputs = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Input[];
      // The status row first, so a consumer never sees a message the status table does not know yet.
      record(inputs);
      enqueue(inputs);
      ring('inputs');
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"accepted":${inputs.length}}`);
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => ready((server.address() as { port: number }).port));
