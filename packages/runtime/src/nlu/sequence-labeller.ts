// An averaged structured perceptron over BIO tags: learns entity spans from annotated examples.
import { createRandom, shuffleInPlace } from './random.ts';

/** Tag `0` is O; entity k has B = 2k + 1 and I = 2k + 2. */
export interface SequenceLabeller {
  entities: string[];
  /** The hash of each feature column. */
  featureHashes: Int32Array;
  /** `weights[f * tags + tag]`. */
  weights: Float32Array;
  /** `transitions[from * tags + to]`; row `tags` is the start of the sequence. */
  transitions: Float32Array;
}

/** A training sequence: hashed features per token, gold tags, and the tags the intent allows. */
export interface LabelledSequence {
  features: number[][];
  gold: Int32Array;
  allowed: Int32Array;
}

export interface LabellerConfig {
  epochs: number;
  seed: number;
}

const MIN_FEATURE_COUNT = 2;

export function tagCount(entities: number): number {
  return entities * 2 + 1;
}

/** Trains the labeller; decoding during training is constrained to each sequence's allowed tags. */
export function trainLabeller(sequences: readonly LabelledSequence[], entities: string[], config: LabellerConfig): SequenceLabeller {
  const tags = tagCount(entities.length);
  // A feature seen once cannot generalise; dropping those halves the model.
  const counts = new Map<number, number>();
  for (const s of sequences) for (const token of s.features) for (const h of token) counts.set(h, (counts.get(h) ?? 0) + 1);
  const columns = new Map<number, number>();
  for (const [h, n] of counts) if (n >= MIN_FEATURE_COUNT) columns.set(h, columns.size);
  const featureHashes = Int32Array.from(columns.keys());
  const model: SequenceLabeller = { entities, featureHashes, weights: new Float32Array(columns.size * tags), transitions: new Float32Array((tags + 1) * tags) };
  const weightSums = new Float32Array(model.weights.length);
  const transitionSums = new Float32Array(model.transitions.length);
  const index = createFeatureIndex(model);
  const ids = sequences.map((s) => index(s.features));
  const order = Int32Array.from(sequences, (_, i) => i);
  const random = createRandom(config.seed);
  let step = 1;
  const bump = (at: number, by: number, w: Float32Array, sums: Float32Array) => {
    w[at] = (w[at] as number) + by;
    sums[at] = (sums[at] as number) + step * by;
  };
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    shuffleInPlace(order, random);
    for (const k of order) {
      const sequence = sequences[k] as LabelledSequence;
      const tokenIds = ids[k] as Int32Array[];
      const predicted = viterbi(model, tokenIds, sequence.allowed, false).tags;
      const gold = sequence.gold;
      for (let i = 0; i < gold.length; i++) {
        const g = gold[i] as number;
        const p = predicted[i] as number;
        const gPrev = i === 0 ? tags : (gold[i - 1] as number);
        const pPrev = i === 0 ? tags : (predicted[i - 1] as number);
        if (g !== p) {
          for (const f of tokenIds[i] as Int32Array) {
            bump(f * tags + g, 1, model.weights, weightSums);
            bump(f * tags + p, -1, model.weights, weightSums);
          }
        }
        if (g !== p || gPrev !== pPrev) {
          bump(gPrev * tags + g, 1, model.transitions, transitionSums);
          bump(pPrev * tags + p, -1, model.transitions, transitionSums);
        }
      }
      step++;
    }
  }
  // Averaging (Daumé's trick): the mean of the weights over all steps, without storing each step.
  for (let i = 0; i < model.weights.length; i++) model.weights[i] = (model.weights[i] as number) - (weightSums[i] as number) / step;
  for (let i = 0; i < model.transitions.length; i++) model.transitions[i] = (model.transitions[i] as number) - (transitionSums[i] as number) / step;
  return model;
}

/** Column ids of hashed token features; unseen features are dropped. */
export function createFeatureIndex(model: SequenceLabeller): (features: number[][]) => Int32Array[] {
  const columns = new Map<number, number>();
  model.featureHashes.forEach((h, i) => {
    columns.set(h, i);
  });
  return (features) => features.map((token) => Int32Array.from(token.map((h) => columns.get(h) ?? -1).filter((c) => c >= 0)));
}

/**
 * The best tag sequence under BIO constraints and, for each token, its margin: how much lower the
 * best sequence scores that tags the token differently (from max-product forward and backward passes).
 */
export function viterbi(model: SequenceLabeller, tokenIds: Int32Array[], allowed: Int32Array, withMargins = true): { tags: Int32Array; margins: Float64Array } {
  const tags = tagCount(model.entities.length);
  const n = tokenIds.length;
  const m = allowed.length;
  const out = new Int32Array(n);
  const margins = new Float64Array(n);
  if (n === 0) return { tags: out, margins };
  const emission = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (const f of tokenIds[i] as Int32Array) {
      const row = f * tags;
      for (let a = 0; a < m; a++) emission[i * m + a] = (emission[i * m + a] as number) + (model.weights[row + (allowed[a] as number)] as number);
    }
  }
  const transition = (b: number, a: number) => {
    const from = b < 0 ? tags : (allowed[b] as number);
    const to = allowed[a] as number;
    if (isInside(to) && from !== to && from !== to - 1) return Number.NEGATIVE_INFINITY;
    return model.transitions[from * tags + to] as number;
  };
  const forward = new Float64Array(n * m);
  const back = new Int32Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < m; a++) {
      let best = i === 0 ? transition(-1, a) : Number.NEGATIVE_INFINITY;
      let arg = -1;
      for (let b = 0; i > 0 && b < m; b++) {
        const s = (forward[(i - 1) * m + b] as number) + transition(b, a);
        if (s > best) {
          best = s;
          arg = b;
        }
      }
      forward[i * m + a] = best + (emission[i * m + a] as number);
      back[i * m + a] = arg;
    }
  }
  const backward = new Float64Array(n * m);
  for (let i = n - 2; withMargins && i >= 0; i--) {
    for (let b = 0; b < m; b++) {
      let best = Number.NEGATIVE_INFINITY;
      for (let a = 0; a < m; a++) best = Math.max(best, transition(b, a) + (emission[(i + 1) * m + a] as number) + (backward[(i + 1) * m + a] as number));
      backward[i * m + b] = best;
    }
  }
  let bestA = 0;
  for (let a = 1; a < m; a++) if ((forward[(n - 1) * m + a] as number) > (forward[(n - 1) * m + bestA] as number)) bestA = a;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = allowed[bestA] as number;
    const chosen = (forward[i * m + bestA] as number) + (backward[i * m + bestA] as number);
    let other = Number.NEGATIVE_INFINITY;
    for (let a = 0; a < m; a++) if (a !== bestA) other = Math.max(other, (forward[i * m + a] as number) + (backward[i * m + a] as number));
    margins[i] = chosen - other;
    bestA = back[i * m + bestA] as number;
  }
  return { tags: out, margins };
}

function isInside(tag: number): boolean {
  return tag > 0 && tag % 2 === 0;
}
