// The serialised model: plain JSON, typed arrays as base64, checked on load.
import { z } from 'zod';
import type { EntitySpec } from '../define/entity-spec.ts';
import type { IntentClassifier } from './intent-classifier.ts';
import type { SequenceLabeller } from './sequence-labeller.ts';

/** Bumped whenever training or the model format changes: cached models of older engines retrain. */
export const ENGINE_VERSION = 1;
const FORMAT = 'inputbot-nlu';

/** What the engine knows about one intent besides the classifier column. */
export interface IntentInfo {
  name: string;
  entities: EntitySpec[];
  /** Labeller tags this intent may produce (O and the B/I tags of its entities). */
  tags: number[];
  /** Per enum entity: normalised phrase -> value (declared values, synonyms, annotated surfaces). */
  lexicons: Record<string, [string, string][]>;
}

/** The trained parts of a model, in memory. */
export interface ModelParts {
  threshold: number;
  intents: IntentInfo[];
  classifier: IntentClassifier;
  labeller: SequenceLabeller | undefined;
}

const base64 = z.string();
const EntitySpecSchema = z.object({
  name: z.string(),
  kind: z.enum(['text', 'enum', 'number', 'date', 'datetime', 'boolean']),
  required: z.boolean(),
  description: z.string().optional(),
  ask: z.string().optional(),
  values: z.array(z.string()).optional(),
  synonyms: z.record(z.string(), z.array(z.string())).optional(),
});

const ModelJsonSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(ENGINE_VERSION),
  threshold: z.number(),
  intents: z.array(
    z.object({
      name: z.string(),
      entities: z.array(EntitySpecSchema),
      tags: z.array(z.number()),
      lexicons: z.record(z.string(), z.array(z.tuple([z.string(), z.string()]))),
    }),
  ),
  classifier: z.object({
    classes: z.array(z.string()),
    features: z.object({
      charMin: z.number(),
      charMax: z.number(),
      wordWeight: z.number(),
      charWeight: z.number(),
      minDf: z.number(),
      lettersOnlyWeight: z.number().optional(),
    }),
    temperature: z.number(),
    hashes: base64,
    idf: base64,
    blocks: base64,
    weights: base64,
    bias: base64,
  }),
  labeller: z.object({ entities: z.array(z.string()), featureHashes: base64, weights: base64, transitions: base64 }).nullable(),
});

/** A model as JSON: what `NluModel.toJSON()` returns and `loadModel` reads. */
export type NluModelJson = z.infer<typeof ModelJsonSchema>;

export function encodeModel(parts: ModelParts): NluModelJson {
  const { classifier, labeller } = parts;
  return {
    format: FORMAT,
    version: ENGINE_VERSION,
    threshold: parts.threshold,
    intents: parts.intents,
    classifier: {
      classes: classifier.classes,
      features: classifier.vectorizer.config,
      temperature: classifier.temperature,
      hashes: toBase64(classifier.vectorizer.hashes),
      idf: toBase64(classifier.vectorizer.idf),
      blocks: toBase64(classifier.vectorizer.blocks),
      weights: toBase64(classifier.model.weights),
      bias: toBase64(classifier.model.bias),
    },
    labeller: labeller
      ? {
          entities: labeller.entities,
          featureHashes: toBase64(labeller.featureHashes),
          weights: toBase64(labeller.weights),
          transitions: toBase64(labeller.transitions),
        }
      : null,
  };
}

/** Reads a model back; throws an `NluModelError` when the JSON is not a model of this engine version. */
export function decodeModel(json: unknown): ModelParts {
  const parsed = ModelJsonSchema.safeParse(json);
  if (!parsed.success) {
    const version = (json as { version?: unknown } | null)?.version;
    const why =
      version !== undefined && version !== ENGINE_VERSION
        ? `it was trained by engine version ${String(version)}, this is ${ENGINE_VERSION}`
        : z.prettifyError(parsed.error);
    throw new NluModelError(`not a model this engine can load: ${why}; retrain it`);
  }
  const { classifier: c, labeller: l } = parsed.data;
  const hashes = new Int32Array(fromBase64(c.hashes));
  const classifier: IntentClassifier = {
    classes: c.classes,
    temperature: c.temperature,
    vectorizer: { config: c.features, hashes, idf: new Float32Array(fromBase64(c.idf)), blocks: new Uint8Array(fromBase64(c.blocks)) },
    model: { classes: c.classes.length, features: hashes.length, weights: new Float32Array(fromBase64(c.weights)), bias: new Float32Array(fromBase64(c.bias)) },
  };
  const labeller = l
    ? {
        entities: l.entities,
        featureHashes: new Int32Array(fromBase64(l.featureHashes)),
        weights: new Float32Array(fromBase64(l.weights)),
        transitions: new Float32Array(fromBase64(l.transitions)),
      }
    : undefined;
  return { threshold: parsed.data.threshold, intents: parsed.data.intents, classifier, labeller };
}

/** A model file that cannot be used. */
export class NluModelError extends Error {
  override readonly name = 'NluModelError';
  readonly code = 'NLU_MODEL_INVALID';
}

function toBase64(array: Int32Array | Float32Array | Uint8Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

// Copied into a fresh buffer: a decoded Buffer may sit at an offset that typed arrays cannot view.
function fromBase64(text: string): ArrayBuffer {
  const bytes = Buffer.from(text, 'base64');
  const out = new ArrayBuffer(bytes.length);
  new Uint8Array(out).set(bytes);
  return out;
}
