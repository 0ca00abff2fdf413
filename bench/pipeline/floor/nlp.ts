// The floor pipeline's nlp: consumes 'inputs'; per leased batch, one state.db transaction (a ledger row per message
// and status 'recognised'), then one broker.db transaction (ack + publish on 'intents'), then rings the executor.
import { acker, BROKER_FILE, consume, immediate, type Leased, type Outgoing, open, ready, ringer, STATE_FILE } from './common.ts';

const state = open(STATE_FILE);
const broker = open(BROKER_FILE);
const insertLedger = state.prepare('INSERT OR REPLACE INTO ledger (key, result) VALUES (?, ?)');
const setStatus = state.prepare("UPDATE status SET status = 'recognised' WHERE id = ?");
const record = immediate(state, (out: Outgoing[], ids: string[]) => {
  out.forEach((o, i) => {
    insertLedger.run(`nlp:${ids[i]}`, o.payload);
    setStatus.run(ids[i]);
  });
});
const ackAndPublish = acker(broker);
const ring = ringer(broker);

await consume(broker, 'inputs', (batch: Leased[]) => {
  const ids: string[] = [];
  const out: Outgoing[] = batch.map((m) => {
    const input = JSON.parse(m.payload) as { id: string };
    ids.push(input.id);
    // No recognition at all: the floor's "model" is a constant.
    return { topic: 'intents', key: m.key, payload: JSON.stringify({ id: input.id, intent: 'greet', confidence: 0.9, entities: [] }) };
  });
  record(out, ids);
  ackAndPublish(batch, out);
  ring('intents');
});
ready();
