// trainModel: turns a project's intents and annotated examples into a classifier, a labeller and lexicons.
import type { EntitySpan } from '../define/annotations.ts';
import type { EntitySpec } from '../define/entity-spec.ts';
import { createEnumLexicon, normalizePhrase } from './entity-values.ts';
import { DEFAULT_CLASSIFIER, type IntentClassifierConfig, trainIntentClassifier } from './intent-classifier.ts';
import type { IntentInfo } from './model-json.ts';
import { createNluModel, type NluModel } from './nlu-model.ts';
import { type LabelledSequence, type LabellerConfig, type SequenceLabeller, trainLabeller } from './sequence-labeller.ts';
import { tokenFeatureHashes } from './token-features.ts';
import { tokenize } from './tokenize.ts';
import type { NluTrainingData, NluTrainOptions } from './types.ts';

/** The reserved out-of-scope intent. */
export const NONE = 'none';

/** Engine settings; the defaults were picked on CLINC150 `val` and SNIPS training data, never on a test split. */
export interface Hyperparameters {
  classifier: IntentClassifierConfig;
  labeller: LabellerConfig;
}

export const DEFAULT_HYPERPARAMETERS: Hyperparameters = { classifier: DEFAULT_CLASSIFIER, labeller: { epochs: 8, seed: 11 } };

/**
 * Trains a model. Pure and deterministic: the same data and options give the same model, byte for byte.
 * @example
 * const model = trainModel({ intents, examples }, { threshold: 0.5 });
 * model.parse('move Apollo to done').intent; // { name: 'update_status', confidence: 0.93 }
 */
export function trainModel(data: NluTrainingData, options: NluTrainOptions = {}): NluModel {
  const hyper = { ...DEFAULT_HYPERPARAMETERS, ...options.hyperparameters };
  const intents = collectIntents(data);
  const classes = intents.map((i) => i.name);
  const classIndex = new Map(classes.map((name, i) => [name, i]));
  const labels = Int32Array.from(data.examples, (e) => classIndex.get(e.intent) as number);
  const entityNames = [...new Set(intents.flatMap((i) => i.entities.map((e) => e.name)))].sort();
  const labellerSteps = entityNames.length ? 1 : 0;
  const total = classes.length + labellerSteps;
  const classifier = trainIntentClassifier(
    data.examples.map((e) => e.text),
    labels,
    classes,
    hyper.classifier,
    (done) => options.onProgress?.(done, total),
  );
  for (const intent of intents) intent.tags = allowedTags(intent.entities, entityNames);
  let labeller: SequenceLabeller | undefined;
  if (entityNames.length) {
    const byName = new Map(intents.map((i) => [i.name, i]));
    const sequences = data.examples.flatMap((e) => {
      const info = byName.get(e.intent) as IntentInfo;
      return info.tags.length > 1 ? [labelSequence(e.text, e.intent, e.entities, entityNames, info.tags)] : [];
    });
    labeller = trainLabeller(sequences, entityNames, hyper.labeller);
    options.onProgress?.(total, total);
  }
  return createNluModel({ threshold: options.threshold ?? 0.5, intents, classifier, labeller });
}

// Intents in a stable order (declared first, then as examples name them), `none` always among them;
// entities annotated but not declared become optional text entities.
function collectIntents(data: NluTrainingData): IntentInfo[] {
  const byName = new Map<string, { entities: EntitySpec[] }>();
  for (const intent of data.intents) byName.set(intent.name, { entities: intent.entities.map((e) => ({ ...e })) });
  for (const example of data.examples) {
    const intent = byName.get(example.intent) ?? { entities: [] };
    byName.set(example.intent, intent);
    for (const span of example.entities) {
      if (!intent.entities.some((e) => e.name === span.entity)) intent.entities.push({ name: span.entity, kind: 'text', required: false });
    }
  }
  if (!byName.has(NONE)) byName.set(NONE, { entities: [] });
  return [...byName].map(([name, { entities }]) => ({ name, entities, tags: [0], lexicons: lexiconsOf(name, entities, data) }));
}

function lexiconsOf(intent: string, entities: readonly EntitySpec[], data: NluTrainingData): Record<string, [string, string][]> {
  const lexicons: Record<string, [string, string][]> = {};
  for (const spec of entities) {
    if (spec.kind !== 'enum') continue;
    const values = spec.values ?? [];
    const lexicon = createEnumLexicon(values, spec.synonyms);
    // Annotated surfaces (`[finished](status:done)`) are synonyms too, when their value is a member.
    const members = new Map(values.map((v) => [normalizePhrase(v), v]));
    for (const example of data.examples) {
      if (example.intent !== intent) continue;
      for (const span of example.entities) {
        const value = members.get(normalizePhrase(span.value));
        const surface = normalizePhrase(span.text);
        if (span.entity === spec.name && value !== undefined && !lexicon.has(surface)) lexicon.set(surface, value);
      }
    }
    lexicons[spec.name] = [...lexicon];
  }
  return lexicons;
}

function allowedTags(entities: readonly EntitySpec[], entityNames: readonly string[]): number[] {
  const tags = [0];
  for (const e of entities) {
    const k = entityNames.indexOf(e.name);
    if (k >= 0) tags.push(2 * k + 1, 2 * k + 2);
  }
  return tags.sort((a, b) => a - b);
}

function labelSequence(text: string, intent: string, spans: readonly EntitySpan[], entityNames: readonly string[], tags: number[]): LabelledSequence {
  const tokens = tokenize(text);
  const gold = new Int32Array(tokens.length);
  for (const span of spans) {
    const k = entityNames.indexOf(span.entity);
    let first = true;
    tokens.forEach((t, i) => {
      if (t.end <= span.start || t.start >= span.end) return;
      gold[i] = first ? 2 * k + 1 : 2 * k + 2;
      first = false;
    });
  }
  return { features: tokenFeatureHashes(tokens, intent), gold, allowed: Int32Array.from(tags) };
}
