// Picks the CLINC150 project's threshold on `val`/`oos_val` (never on `test`): prints the trade-off curve
// and the highest threshold that keeps val in-scope accuracy within MAX_DROP points of no threshold.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { trainModel } from '@inputbot/runtime/nlu';
import { DATA_DIR } from './datasets.ts';

const MAX_DROP = 0.75;
const data = JSON.parse(readFileSync(path.join(DATA_DIR, 'clinc150', 'data_full.json'), 'utf8')) as Record<string, [string, string][]>;
const label = (l: string) => (l === 'oos' ? 'none' : l);
const examples = [...(data.train ?? []), ...(data.oos_train ?? [])].map(([text, l]) => ({ intent: label(l), text, entities: [] }));
// Threshold 0 keeps the top intent; the threshold is applied below to the top confidence.
const model = trainModel({ intents: [], examples }, { threshold: 0 });
const answers = (split: string) =>
  (data[split] ?? []).map(([text, l]) => ({ gold: label(l), top: model.parse(text).ranking[0] as { name: string; confidence: number } }));
const inScope = answers('val');
const outOfScope = answers('oos_val');
const predict = (top: { name: string; confidence: number }, t: number) => (top.confidence < t ? 'none' : top.name);
let base = 0;
let chosen = 0;
for (let step = 0; step <= 18; step++) {
  const t = step / 20;
  const acc = inScope.filter((a) => predict(a.top, t) === a.gold).length / inScope.length;
  const recall = outOfScope.filter((a) => predict(a.top, t) === 'none').length / outOfScope.length;
  if (t === 0) base = acc;
  if (acc * 100 >= base * 100 - MAX_DROP) chosen = t;
  console.log(`threshold ${t.toFixed(2)}: val in-scope ${(acc * 100).toFixed(1)}%, val OOS recall ${(recall * 100).toFixed(1)}%`);
}
console.log(`chosen: ${chosen.toFixed(2)} (set CLINC_THRESHOLD in bench/nlu/datasets.ts)`);
