// Multinomial logistic regression on sparse vectors, trained by averaged SGD with L2 (Bottou's scaling).
import { createRandom, shuffleInPlace } from './random.ts';
import type { SparseMatrix, SparseVector } from './sparse.ts';

export interface SoftmaxConfig {
  epochs: number;
  /** Initial step size; it decays as 1 / (1 + rate * l2 * t). */
  learningRate: number;
  l2: number;
  seed: number;
}

/** Weights laid out feature-major (`weights[f * classes + c]`), so one feature's row is contiguous. */
export interface LinearModel {
  classes: number;
  features: number;
  weights: Float32Array;
  bias: Float32Array;
}

// Classes whose gradient is this small for an example are not updated: most are, after an epoch.
const SKIP_GRADIENT = 1e-4;

/**
 * Fits the weights. Examples are visited in a seeded shuffled order; the returned model is the
 * average of the iterates over the last half of training, which is steadier than the last iterate.
 */
export function trainSoftmax(x: SparseMatrix, y: Int32Array, classes: number, features: number, config: SoftmaxConfig, onEpoch?: (epoch: number) => void): LinearModel {
  const w = new Float32Array(features * classes);
  const b = new Float64Array(classes);
  const avgW = new Float64Array(0);
  void avgW;
  const scores = new Float64Array(classes);
  const active = new Int32Array(classes);
  const gradient = new Float64Array(classes);
  const order = Int32Array.from({ length: x.rows }, (_, i) => i);
  const random = createRandom(config.seed);
  let scale = 1;
  let t = 0;
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    shuffleInPlace(order, random);
    for (let k = 0; k < order.length; k++) {
      const r = order[k] as number;
      const from = x.offsets[r] as number;
      const to = x.offsets[r + 1] as number;
      scores.set(b);
      for (let p = from; p < to; p++) {
        const v = (x.values[p] as number) * scale;
        const row = (x.indices[p] as number) * classes;
        for (let c = 0; c < classes; c++) scores[c] = (scores[c] as number) + v * (w[row + c] as number);
      }
      softmaxInPlace(scores);
      const target = y[r] as number;
      scores[target] = (scores[target] as number) - 1;
      let nActive = 0;
      for (let c = 0; c < classes; c++) {
        const g = scores[c] as number;
        if (g > SKIP_GRADIENT || g < -SKIP_GRADIENT) {
          active[nActive] = c;
          gradient[nActive++] = g;
        }
      }
      const rate = config.learningRate / (1 + config.learningRate * config.l2 * t);
      t++;
      scale *= 1 - rate * config.l2;
      const step = rate / scale;
      for (let p = from; p < to; p++) {
        const v = (x.values[p] as number) * step;
        const row = (x.indices[p] as number) * classes;
        for (let a = 0; a < nActive; a++) {
          const at = row + (active[a] as number);
          w[at] = (w[at] as number) - v * (gradient[a] as number);
        }
      }
      for (let a = 0; a < nActive; a++) {
        const c = active[a] as number;
        b[c] = (b[c] as number) - rate * (gradient[a] as number);
      }
      if (scale < 1e-6) {
        for (let i = 0; i < w.length; i++) w[i] = (w[i] as number) * scale;
        scale = 1;
      }
    }
    onEpoch?.(epoch + 1);
  }
  for (let i = 0; i < w.length; i++) w[i] = (w[i] as number) * scale;
  return { classes, features, weights: w, bias: Float32Array.from(b) };
}

/** Writes the raw class scores (logits) of `v` into `out`. */
export function scoreLinear(model: LinearModel, v: SparseVector, out: Float64Array): void {
  const { classes, weights } = model;
  for (let c = 0; c < classes; c++) out[c] = model.bias[c] as number;
  for (let p = 0; p < v.indices.length; p++) {
    const x = v.values[p] as number;
    const row = (v.indices[p] as number) * classes;
    for (let c = 0; c < classes; c++) out[c] = (out[c] as number) + x * (weights[row + c] as number);
  }
}

/** Softmax in place, stable for large scores. */
export function softmaxInPlace(scores: Float64Array, temperature = 1): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < scores.length; c++) max = Math.max(max, scores[c] as number);
  let sum = 0;
  for (let c = 0; c < scores.length; c++) {
    const e = Math.exp(((scores[c] as number) - max) / temperature);
    scores[c] = e;
    sum += e;
  }
  for (let c = 0; c < scores.length; c++) scores[c] = (scores[c] as number) / sum;
}
