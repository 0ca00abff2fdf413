// Temperature scaling: turns raw class scores into probabilities whose confidence means something.

/** Softmax of `scores / temperature` in place, stable for large scores. */
export function softmaxInPlace(scores: Float64Array, temperature: number): void {
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

const MIN_T = 0.01;
const MAX_T = 2;

/**
 * The temperature that minimises the negative log-likelihood of held-out labels under
 * softmax(scores / T): golden-section search on log T (the NLL is unimodal in T).
 * `scores` is row-major, `classes` per row.
 */
export function fitTemperature(scores: Float64Array, labels: Int32Array, classes: number): number {
  const row = new Float64Array(classes);
  const nll = (logT: number) => {
    const t = Math.exp(logT);
    let sum = 0;
    for (let r = 0; r < labels.length; r++) {
      row.set(scores.subarray(r * classes, (r + 1) * classes));
      softmaxInPlace(row, t);
      sum -= Math.log(Math.max(row[labels[r] as number] as number, 1e-12));
    }
    return sum;
  };
  const ratio = (Math.sqrt(5) - 1) / 2;
  let lo = Math.log(MIN_T);
  let hi = Math.log(MAX_T);
  let a = hi - ratio * (hi - lo);
  let b = lo + ratio * (hi - lo);
  let fa = nll(a);
  let fb = nll(b);
  for (let i = 0; i < 40; i++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - ratio * (hi - lo);
      fa = nll(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + ratio * (hi - lo);
      fb = nll(b);
    }
  }
  return Math.exp((lo + hi) / 2);
}
