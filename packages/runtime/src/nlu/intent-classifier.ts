// The intent classifier: TF-IDF features, one-vs-rest linear SVMs and a held-out temperature.
import { fitTemperature, softmaxInPlace } from './calibration.ts';
import { type LinearModel, type SvmConfig, scoreLinear, trainOneVsRest } from './linear-svm.ts';
import { packRows } from './sparse.ts';
import { createVectorize, DEFAULT_TEXT_FEATURES, fitVectorizer, type TextFeatureConfig, type TextVectorizer } from './text-features.ts';

export interface IntentClassifierConfig {
  features: TextFeatureConfig;
  svm: SvmConfig;
  /** Used when too few examples can be held out to fit one (picked on CLINC150 `val`). */
  defaultTemperature: number;
  /** Every n-th example of an intent (with at least n) is held out to fit the temperature. */
  holdOutEvery: number;
}

export const DEFAULT_CLASSIFIER: IntentClassifierConfig = {
  features: DEFAULT_TEXT_FEATURES,
  svm: { C: 1, maxPasses: 30, seed: 7 },
  defaultTemperature: 0.15,
  holdOutEvery: 10,
};

// Fewer held-out examples than this give a temperature too noisy to trust.
const MIN_HELD_OUT = 30;

/** A trained classifier: everything needed to score a text, and nothing else. */
export interface IntentClassifier {
  classes: string[];
  vectorizer: TextVectorizer;
  model: LinearModel;
  temperature: number;
}

/**
 * Trains on `texts` labelled with indexes into `classes`. Every class gets a column even without
 * examples: an empty `none` column scores everything as negative, which anchors "none of these".
 */
export function trainIntentClassifier(
  texts: readonly string[],
  labels: Int32Array,
  classes: string[],
  config: IntentClassifierConfig,
  onProgress?: (done: number, total: number) => void,
): IntentClassifier {
  const order = holdOutOrder(labels, classes.length, config.holdOutEvery);
  const calibrate = order.heldOut.length >= MIN_HELD_OUT;
  const rows = [...order.train, ...order.heldOut];
  const orderedTexts = rows.map((r) => texts[r] as string);
  const y = Int32Array.from(rows, (r) => labels[r] as number);
  const vectorizer = fitVectorizer(orderedTexts, config.features);
  const vectorize = createVectorize(vectorizer);
  const x = packRows(orderedTexts.map(vectorize));
  const trainRows = calibrate ? order.train.length : rows.length;
  const { model, heldOutScores } = trainOneVsRest(x, y, classes.length, vectorizer.hashes.length, trainRows, config.svm, (done) =>
    onProgress?.(done, classes.length),
  );
  const temperature = calibrate ? fitTemperature(heldOutScores, y.subarray(trainRows), classes.length) : config.defaultTemperature;
  return { classes, vectorizer, model, temperature };
}

// Stable, stratified: the n-th, 2n-th, ... example of each class, in data order.
function holdOutOrder(labels: Int32Array, classes: number, every: number) {
  const seen = new Int32Array(classes);
  const total = new Int32Array(classes);
  for (const l of labels) total[l] = (total[l] as number) + 1;
  const train: number[] = [];
  const heldOut: number[] = [];
  labels.forEach((l, r) => {
    seen[l] = (seen[l] as number) + 1;
    const pick = (total[l] as number) >= every && (seen[l] as number) % every === 0;
    (pick ? heldOut : train).push(r);
  });
  return { train, heldOut };
}

/** Scores texts with a trained classifier; the returned function reuses its buffers. */
export function createIntentScorer(classifier: IntentClassifier): (text: string) => Float64Array {
  const vectorize = createVectorize(classifier.vectorizer);
  return function scoreIntents(text) {
    const probabilities = new Float64Array(classifier.classes.length);
    scoreLinear(classifier.model, vectorize(text), probabilities);
    softmaxInPlace(probabilities, classifier.temperature);
    return probabilities;
  };
}
