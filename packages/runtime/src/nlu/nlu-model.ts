// A trained model: parses text into a calibrated intent ranking and typed entities.
import type { EntitySpec } from '../define/entity-spec.ts';
import type { EnumLexicon } from './entity-values.ts';
import { extractEntities, type LabelledSpan } from './extract-entities.ts';
import { createIntentScorer } from './intent-classifier.ts';
import { encodeModel, type IntentInfo, type ModelParts, type NluModelJson } from './model-json.ts';
import { createFeatureIndex, type SequenceLabeller, viterbi } from './sequence-labeller.ts';
import { tokenFeatureHashes } from './token-features.ts';
import { type Token, tokenize } from './tokenize.ts';
import type { IntentScore, NluParseOptions, NluResult } from './types.ts';

const NONE = 'none';
const RANKING_SIZE = 5;

/** A trained NLU model. */
export interface NluModel {
  /** Recognises the intent of `text` and extracts its entities. */
  parse(text: string, options?: NluParseOptions): NluResult;
  /** The model as JSON, for {@link loadModel}. */
  toJSON(): NluModelJson;
  /** The intents the model knows, `none` included. */
  readonly intents: readonly string[];
}

export function createNluModel(parts: ModelParts): NluModel {
  const scoreIntents = createIntentScorer(parts.classifier);
  const classes = parts.classifier.classes;
  const intents = new Map(
    parts.intents.map((i) => [
      i.name,
      { info: i, lexicons: new Map(Object.entries(i.lexicons).map(([name, pairs]) => [name, new Map(pairs) as EnumLexicon])) },
    ]),
  );
  const labelSpans = parts.labeller ? createSpanLabeller(parts.labeller) : () => [];
  return {
    intents: classes,
    toJSON: () => encodeModel(parts),
    parse(text, options = {}) {
      const probabilities = scoreIntents(text);
      const order = Array.from(classes.keys()).sort((a, b) => (probabilities[b] as number) - (probabilities[a] as number) || a - b);
      const ranking: IntentScore[] = order.slice(0, RANKING_SIZE).map((c) => ({ name: classes[c] as string, confidence: probabilities[c] as number }));
      const top = ranking[0] as IntentScore;
      const outOfScope = top.name === NONE || top.confidence < parts.threshold;
      // Below the threshold the confidence of `none` is that the top intent is wrong.
      const intent = outOfScope ? { name: NONE, confidence: top.name === NONE ? top.confidence : 1 - top.confidence } : top;
      const target = intents.get(options.intent ?? intent.name);
      const result: NluResult = { text, intent, ranking, entities: [], rejected: [] };
      if (!target || target.info.entities.length === 0) return result;
      const tokens = tokenize(text);
      const spans = target.info.tags.length > 1 ? labelSpans(tokens, target.info) : [];
      result.entities = extractEntities({
        text,
        tokens,
        specs: target.info.entities as EntitySpec[],
        spans,
        lexicons: target.lexicons,
        reference: options.referenceTime ?? new Date(),
      });
      return result;
    },
  };
}

function createSpanLabeller(labeller: SequenceLabeller) {
  const index = createFeatureIndex(labeller);
  return function labelSpans(tokens: Token[], intent: IntentInfo): LabelledSpan[] {
    if (tokens.length === 0) return [];
    const { tags, margins } = viterbi(labeller, index(tokenFeatureHashes(tokens, intent.name)), Int32Array.from(intent.tags));
    const spans: LabelledSpan[] = [];
    for (let i = 0; i < tags.length; i++) {
      const tag = tags[i] as number;
      if (tag === 0 || tag % 2 === 0) continue; // spans start at a B tag; a stray I cannot occur
      let j = i;
      let margin = margins[i] as number;
      while (j + 1 < tags.length && tags[j + 1] === tag + 1) {
        j++;
        margin = Math.min(margin, margins[j] as number);
      }
      const entity = labeller.entities[(tag - 1) / 2] as string;
      // The max-marginal margin squashed to (0, 1): a ranking signal, not a probability.
      spans.push({ entity, start: (tokens[i] as Token).start, end: (tokens[j] as Token).end, confidence: 1 / (1 + Math.exp(-margin)) });
      i = j;
    }
    return spans;
  };
}
