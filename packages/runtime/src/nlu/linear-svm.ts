// One-vs-rest linear SVMs (L2-regularised squared hinge), each solved by dual coordinate descent
// with shrinking (Hsieh et al. 2008, the LIBLINEAR solver), on sparse TF-IDF rows.
import { createRandom, type Random, shuffleInPlace } from './random.ts';
import type { SparseMatrix, SparseVector } from './sparse.ts';

export interface SvmConfig {
  /** Inverse regularisation strength. */
  C: number;
  /** Upper bound on passes over the active examples of one class. */
  maxPasses: number;
  seed: number;
}

/** Weights laid out feature-major (`weights[f * classes + c]`), so scoring reads one contiguous row per feature. */
export interface LinearModel {
  classes: number;
  features: number;
  weights: Float32Array;
  bias: Float32Array;
}

export interface OneVsRestResult {
  model: LinearModel;
  /** Scores of the held-out rows (`rows >= trainRows`) by the model trained without them, row-major. */
  heldOutScores: Float64Array;
}

/**
 * Trains one binary SVM per class. When `trainRows < x.rows`, each class is first fitted on the rows
 * before `trainRows`, the rest are scored (for calibration), and the solver then continues from that
 * solution with every row: warm starting makes the second fit cost about one extra pass.
 */
export function trainOneVsRest(
  x: SparseMatrix,
  y: Int32Array,
  classes: number,
  features: number,
  trainRows: number,
  config: SvmConfig,
  onClass?: (done: number) => void,
): OneVsRestResult {
  const weights = new Float32Array(features * classes);
  const bias = new Float32Array(classes);
  const heldOut = x.rows - trainRows;
  const heldOutScores = new Float64Array(heldOut * classes);
  const squaredNorms = new Float64Array(x.rows);
  for (let r = 0; r < x.rows; r++) {
    let s = 1; // the bias feature
    for (let p = x.offsets[r] as number; p < (x.offsets[r + 1] as number); p++) s += (x.values[p] as number) ** 2;
    squaredNorms[r] = s;
  }
  const w = new Float64Array(features + 1);
  const alpha = new Float64Array(x.rows);
  for (let c = 0; c < classes; c++) {
    w.fill(0);
    alpha.fill(0);
    const random = createRandom(config.seed + c);
    const problem = { x, y, positive: c, w, alpha, squaredNorms, config, random };
    if (heldOut > 0) {
      solveBinary(problem, trainRows, 2);
      for (let r = trainRows; r < x.rows; r++) heldOutScores[(r - trainRows) * classes + c] = dot(w, x, r, features);
    }
    // From a warm start one full pass is enough: few examples change sides.
    solveBinary(problem, x.rows, heldOut > 0 ? 1 : 2);
    for (let f = 0; f < features; f++) weights[f * classes + c] = w[f] as number;
    bias[c] = w[features] as number;
    onClass?.(c + 1);
  }
  return { model: { classes, features, weights, bias }, heldOutScores };
}

interface BinaryProblem {
  x: SparseMatrix;
  y: Int32Array;
  positive: number;
  /** Feature weights then the bias, updated in place. */
  w: Float64Array;
  alpha: Float64Array;
  squaredNorms: Float64Array;
  config: SvmConfig;
  random: Random;
}

// The projected-gradient tolerance is LIBLINEAR's default.
const TOLERANCE = 0.1;

// An example outside the margin (alpha = 0, gradient > 0) is shrunk away at once; when the rest has
// converged, another full pass re-checks them all, up to `fullPasses` full passes in all.
function solveBinary(problem: BinaryProblem, rows: number, fullPasses: number): void {
  const { x, y, positive, w, alpha, squaredNorms, config, random } = problem;
  const features = w.length - 1;
  const diagonal = 1 / (2 * config.C);
  const index = Int32Array.from({ length: rows }, (_, i) => i);
  let active = rows;
  let full = 0;
  for (let pass = 0; pass < config.maxPasses; pass++) {
    if (active === rows) full++;
    shuffleInPlace(index.subarray(0, active), random);
    let pgMax = Number.NEGATIVE_INFINITY;
    let pgMin = Number.POSITIVE_INFINITY;
    for (let s = 0; s < active; s++) {
      const i = index[s] as number;
      const label = y[i] === positive ? 1 : -1;
      const a = alpha[i] as number;
      const g = label * dot(w, x, i, features) - 1 + diagonal * a;
      if (a === 0 && g > 0) {
        active--;
        index[s] = index[active] as number;
        index[active] = i;
        s--;
        continue;
      }
      if (g > pgMax) pgMax = g;
      if (g < pgMin) pgMin = g;
      if (g === 0) continue;
      const next = Math.max(a - g / ((squaredNorms[i] as number) + diagonal), 0);
      alpha[i] = next;
      const delta = (next - a) * label;
      for (let p = x.offsets[i] as number; p < (x.offsets[i + 1] as number); p++) {
        const f = x.indices[p] as number;
        w[f] = (w[f] as number) + delta * (x.values[p] as number);
      }
      w[features] = (w[features] as number) + delta;
    }
    if (pgMax - pgMin <= TOLERANCE) {
      if (active === rows || full >= fullPasses) break;
      active = rows;
    }
  }
}

function dot(w: Float64Array, x: SparseMatrix, r: number, features: number): number {
  let sum = w[features] as number;
  for (let p = x.offsets[r] as number; p < (x.offsets[r + 1] as number); p++) sum += (w[x.indices[p] as number] as number) * (x.values[p] as number);
  return sum;
}

/** Writes the raw class scores of `v` into `out`. */
export function scoreLinear(model: LinearModel, v: SparseVector, out: Float64Array): void {
  const { classes, weights } = model;
  for (let c = 0; c < classes; c++) out[c] = model.bias[c] as number;
  for (let p = 0; p < v.indices.length; p++) {
    const value = v.values[p] as number;
    const row = (v.indices[p] as number) * classes;
    for (let c = 0; c < classes; c++) out[c] = (out[c] as number) + value * (weights[row + c] as number);
  }
}
