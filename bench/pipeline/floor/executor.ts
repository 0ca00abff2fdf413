// The floor pipeline's executor: consumes 'intents'. Per message (not batched: inputbot commits each completion at
// once, for crash safety) one state.db transaction claims it, a trivial action runs, and one state.db transaction
// writes the ledger result, status 'completed' and the reply. Per batch, one broker.db transaction acks and
// publishes a 'replies' message per input, then the front's doorbell rings.
import { acker, BROKER_FILE, consume, immediate, type Leased, type Outgoing, open, ready, ringer, STATE_FILE } from './common.ts';

const state = open(STATE_FILE);
const broker = open(BROKER_FILE);
const insertClaim = state.prepare('INSERT OR IGNORE INTO ledger (key, result) VALUES (?, NULL)');
const setResult = state.prepare('UPDATE ledger SET result = ? WHERE key = ?');
const setStatus = state.prepare("UPDATE status SET status = 'completed', reply = ? WHERE id = ?");
const claim = immediate(state, (id: string) => insertClaim.run(`exec:${id}`));
const complete = immediate(state, (id: string, reply: string) => {
  setResult.run(reply, `exec:${id}`);
  setStatus.run(reply, id);
});
const ackAndPublish = acker(broker);
const ring = ringer(broker);

const action = () => 'Hello!';

await consume(broker, 'intents', (batch: Leased[]) => {
  const out: Outgoing[] = batch.map((m) => {
    const intent = JSON.parse(m.payload) as { id: string; intent: string };
    claim(intent.id);
    const reply = action();
    complete(intent.id, reply);
    return { topic: 'replies', key: m.key, payload: JSON.stringify({ id: intent.id, reply }) };
  });
  ackAndPublish(batch, out);
  ring('replies');
});
ready();
