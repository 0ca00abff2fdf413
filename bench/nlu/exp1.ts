import { readFileSync } from 'node:fs';
import { fitVectorizer, createVectorize, DEFAULT_TEXT_FEATURES } from '../../packages/runtime/src/nlu/text-features.ts';
import { packRows } from '../../packages/runtime/src/nlu/sparse.ts';
import { trainSoftmax, scoreLinear, softmaxInPlace } from '../../packages/runtime/src/nlu/softmax-regression.ts';
const d = JSON.parse(readFileSync('/work/shared/data/clinc150/data_full.json', 'utf8'));
const train = [...d.train, ...d.oos_train];
const cfg = { ...DEFAULT_TEXT_FEATURES, ...JSON.parse(process.env.F ?? '{}') };
const sc = { epochs: 10, learningRate: 0.5, l2: 1e-5, seed: 1, ...JSON.parse(process.env.S ?? '{}') };
const names = [...new Set(train.map((e: any) => e[1]))] as string[];
const t0 = performance.now();
const vec = fitVectorizer(train.map((e: any) => e[0]), cfg);
const vz = createVectorize(vec);
const X = packRows(train.map((e: any) => vz(e[0])));
const y = Int32Array.from(train.map((e: any) => names.indexOf(e[1])));
const t1 = performance.now();
const m = trainSoftmax(X, y, names.length, vec.hashes.length, sc);
const t2 = performance.now();
console.log('features', vec.hashes.length, 'nnz/row', X.indices.length / X.rows, 'vec ms', (t1 - t0).toFixed(0), 'train ms', (t2 - t1).toFixed(0));
const oos = names.indexOf('oos');
const s = new Float64Array(names.length);
function evalSplit(split: any[], T = 1) { return split.map((e) => { scoreLinear(m, vz(e[0]), s); softmaxInPlace(s, T); let best = 0; for (let c = 1; c < s.length; c++) if (s[c]! > s[best]!) best = c; return { gold: e[1], pred: names[best], p: s[best]!, pn: s[oos]! }; }); }
const split = process.env.SPLIT ?? 'val';
for (const T of [1, 0.5, 0.3, 0.2, 0.1]) {
  const ins = evalSplit(d[split], T), os = evalSplit(d['oos_' + split], T);
  const row = [] as string[];
  for (const th of [0, 0.3, 0.5, 0.7]) {
    const f = (r: any) => (r.pred === 'oos' || r.p < th ? 'oos' : r.pred);
    const acc = ins.filter((r) => f(r) === r.gold).length / ins.length;
    const rec = os.filter((r) => f(r) === 'oos').length / os.length;
    row.push(`th${th}: ${(acc * 100).toFixed(1)}/${(rec * 100).toFixed(0)}`);
  }
  console.log('T', T, row.join('  '));
}
