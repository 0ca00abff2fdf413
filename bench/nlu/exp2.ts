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
  const D = 1 / (2 * C); const eps = sc.eps ?? 0.1;
  for (let i = 0; i < n; i++) { let s = 1; for (let p = X.offsets[i]!; p < X.offsets[i + 1]!; p++) s += X.values[p]! ** 2; qd[i] = s + D; }
  const index = Int32Array.from({ length: n }, (_, i) => i); const rnd = createRandom(seed);
  let fullChecks = 0; let active = n, pgMaxOld = Infinity, pgMinOld = -Infinity;
  for (let pass = 0; pass < passes; pass++) {
    shuffleInPlace(index.subarray(0, active), rnd);
    let pgMax = -Infinity, pgMin = Infinity;
    (globalThis as any).visits=((globalThis as any).visits??0)+active; (globalThis as any).passes=((globalThis as any).passes??0)+1; if (active===n) (globalThis as any).full=((globalThis as any).full??0)+1;
    for (let s = 0; s < active; s++) {
      const i = index[s]!; const yi = y[i] === cls ? 1 : -1;
      let dot = w[F]!; const a = X.offsets[i]!, b = X.offsets[i + 1]!;
      for (let p = a; p < b; p++) dot += w[X.indices[p]!]! * X.values[p]!;
      const G = yi * dot - 1 + D * alpha[i]!;
      let PG = 0;
      if (alpha[i] === 0) {
        if (G > Math.min(pgMaxOld, sc.tau ?? Infinity)) { active--; index[s] = index[active]!; index[active] = i; s--; continue; }
        if (G < 0) PG = G;
      } else PG = G;
      if (PG > pgMax) pgMax = PG; if (PG < pgMin) pgMin = PG;
      if (Math.abs(PG) > 1e-12) {
        const old = alpha[i]!; const nw = Math.max(old - G / qd[i]!, 0); alpha[i] = nw;
        const delta = (nw - old) * yi;
        for (let p = a; p < b; p++) w[X.indices[p]!] += delta * X.values[p]!; w[F] += delta;
      }
    }
    if (pgMax - pgMin <= eps) { if (active === n || ++fullChecks >= (sc.maxFull ?? 99)) break; active = n; pgMaxOld = Infinity; pgMinOld = -Infinity; continue; }
    pgMaxOld = pgMax <= 0 ? Infinity : pgMax; pgMinOld = pgMin >= 0 ? -Infinity : pgMin;
  }
  (globalThis as any).alphas ??= []; (globalThis as any).alphas.push(alpha); (globalThis as any).qd = qd;
  return w;
}
const W = new Float32Array(F * K); const B = new Float32Array(K);
for (let c = 0; c < K; c++) { const w = dcd(X, y, c, sc.C, sc.passes, c + 1); for (let f = 0; f < F; f++) W[f * K + c] = w[f]!; B[c] = w[F]!; }
const t2 = performance.now();
console.log('visits/n',(globalThis as any).visits/X.rows,'full',(globalThis as any).full,'passes',(globalThis as any).passes);console.log('features', F, 'vec ms', (t1 - t0).toFixed(0), 'train ms', (t2 - t1).toFixed(0));
const oos = names.indexOf('oos');
const s = new Float64Array(K);
function evalSplit(split: any[], T = 1) { return split.map((e) => { const v = vz(e[0]); s.set(B); for (let p = 0; p < v.indices.length; p++) { const row = v.indices[p]! * K; for (let c = 0; c < K; c++) s[c] += v.values[p]! * W[row + c]!; } softmaxInPlace(s, T); let best = 0; for (let c = 1; c < s.length; c++) if (s[c]! > s[best]!) best = c; return { gold: e[1], pred: names[best], p: s[best]! }; }); }

// approx LOO scores -> fit T
const alphas = (globalThis as any).alphas as Float64Array[]; const qd = (globalThis as any).qd as Float64Array;
const D = 1 / (2 * sc.C);
const loo: Float64Array[] = [];
const tl0 = performance.now();
for (let i = 0; i < X.rows; i++) { const sc2 = new Float64Array(K); sc2.set(B); for (let p = X.offsets[i]!; p < X.offsets[i+1]!; p++) { const row = X.indices[p]! * K; const v = X.values[p]!; for (let c = 0; c < K; c++) sc2[c] += v * W[row + c]!; } for (let c = 0; c < K; c++) { const yi = y[i] === c ? 1 : -1; sc2[c] -= alphas[c]![i]! * yi * (qd[i]! - D); } loo.push(sc2); }
let looAcc = 0; for (let i = 0; i < X.rows; i++) { let best = 0; for (let c = 1; c < K; c++) if (loo[i]![c]! > loo[i]![best]!) best = c; if (best === y[i]) looAcc++; }
function nll(T: number) { let s = 0; const tmp = new Float64Array(K); for (let i = 0; i < X.rows; i++) { tmp.set(loo[i]!); softmaxInPlace(tmp, T); s -= Math.log(Math.max(tmp[y[i]!]!, 1e-12)); } return s / X.rows; }
let bestT = 1, bestN = Infinity; for (let T = 0.02; T < 0.5; T *= 1.1) { const n = nll(T); if (n < bestN) { bestN = n; bestT = T; } }
console.log('loo acc', looAcc / X.rows, 'fitted T', bestT.toFixed(3), 'ms', (performance.now() - tl0).toFixed(0));
const split = process.env.SPLIT ?? 'val';
// val-fitted T for comparison
{ const all = [...d[split], ...d['oos_' + split]]; const vs = all.map((e: any) => { const v = vz(e[0]); const s2 = new Float64Array(K); s2.set(B); for (let p = 0; p < v.indices.length; p++) { const row = v.indices[p]! * K; for (let c = 0; c < K; c++) s2[c] += v.values[p]! * W[row + c]!; } return [s2, names.indexOf(e[1])] as const; });
  let bT = 1, bN = Infinity; for (let T = 0.02; T < 0.5; T *= 1.1) { let s = 0; for (const [s2, yy] of vs) { const t = Float64Array.from(s2); softmaxInPlace(t, T); s -= Math.log(Math.max(t[yy]!, 1e-12)); } if (s < bN) { bN = s; bT = T; } } console.log('val-fitted T', bT.toFixed(3)); }

for (const T of [bestT, ...JSON.parse(process.env.TS ?? '[0.1]')]) {
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
