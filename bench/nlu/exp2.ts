import { readFileSync } from 'node:fs';
import { fitVectorizer, createVectorize, DEFAULT_TEXT_FEATURES } from '../../packages/runtime/src/nlu/text-features.ts';
import { packRows, type SparseMatrix } from '../../packages/runtime/src/nlu/sparse.ts';
import { softmaxInPlace } from '../../packages/runtime/src/nlu/softmax-regression.ts';
import { createRandom, shuffleInPlace } from '../../packages/runtime/src/nlu/random.ts';
const d = JSON.parse(readFileSync('/work/shared/data/clinc150/data_full.json', 'utf8'));
const train = [...d.train, ...d.oos_train];
const cfg = { ...DEFAULT_TEXT_FEATURES, ...JSON.parse(process.env.F ?? '{}') };
const sc = { passes: 10, C: 1, ...JSON.parse(process.env.S ?? '{}') };
const names = [...new Set(train.map((e: any) => e[1]))] as string[];
const t0 = performance.now();
const vec = fitVectorizer(train.map((e: any) => e[0]), cfg);
const vz = createVectorize(vec);
const X = packRows(train.map((e: any) => vz(e[0])));
const y = Int32Array.from(train.map((e: any) => names.indexOf(e[1])));
const t1 = performance.now();
const F = vec.hashes.length, K = names.length;
function dcd(X: SparseMatrix, y: Int32Array, cls: number, C: number, passes: number, seed: number) {
  const w = new Float64Array(F + 1);
  const n = X.rows, alpha = new Float64Array(n), qd = new Float64Array(n);
  const D = 1 / (2 * C);
  for (let i = 0; i < n; i++) { let s = 1; for (let p = X.offsets[i]!; p < X.offsets[i + 1]!; p++) s += X.values[p]! ** 2; qd[i] = s + D; }
  const order = Int32Array.from({ length: n }, (_, i) => i); const rnd = createRandom(seed);
  for (let pass = 0; pass < passes; pass++) {
    shuffleInPlace(order, rnd);
    let maxPG = 0;
    for (let k = 0; k < n; k++) {
      const i = order[k]!; const yi = y[i] === cls ? 1 : -1;
      let dot = w[F]!; const a = X.offsets[i]!, b = X.offsets[i + 1]!;
      for (let p = a; p < b; p++) dot += w[X.indices[p]!]! * X.values[p]!;
      const G = yi * dot - 1 + D * alpha[i]!;
      const PG = alpha[i] === 0 ? Math.min(G, 0) : G;
      if (PG === 0) continue;
      maxPG = Math.max(maxPG, Math.abs(PG));
      const old = alpha[i]!; const nw = Math.max(old - G / qd[i]!, 0); alpha[i] = nw;
      const delta = (nw - old) * yi;
      if (delta !== 0) { for (let p = a; p < b; p++) w[X.indices[p]!] += delta * X.values[p]!; w[F] += delta; }
    }
    if (maxPG < 0.01) break;
  }
  return w;
}
const W = new Float32Array(F * K); const B = new Float32Array(K);
for (let c = 0; c < K; c++) { const w = dcd(X, y, c, sc.C, sc.passes, c + 1); for (let f = 0; f < F; f++) W[f * K + c] = w[f]!; B[c] = w[F]!; }
const t2 = performance.now();
console.log('features', F, 'vec ms', (t1 - t0).toFixed(0), 'train ms', (t2 - t1).toFixed(0));
const oos = names.indexOf('oos');
const s = new Float64Array(K);
function evalSplit(split: any[], T = 1) { return split.map((e) => { const v = vz(e[0]); s.set(B); for (let p = 0; p < v.indices.length; p++) { const row = v.indices[p]! * K; for (let c = 0; c < K; c++) s[c] += v.values[p]! * W[row + c]!; } softmaxInPlace(s, T); let best = 0; for (let c = 1; c < s.length; c++) if (s[c]! > s[best]!) best = c; return { gold: e[1], pred: names[best], p: s[best]! }; }); }
const split = process.env.SPLIT ?? 'val';
for (const T of [0.3, 0.2, 0.1, 0.05]) {
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
