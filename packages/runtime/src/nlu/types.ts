// The NLU engine's public contract: what it trains on and what a parse returns.
import type { EntitySpan } from '../define/annotations.ts';
import type { EntitySpec } from '../define/entity-spec.ts';
import type { LlmUsage } from '../structured-output/llm-usage.ts';
import type { Hyperparameters } from './train-model.ts';

/** What the engine trains on: the project's intents (with entity specs) and annotated examples. */
export interface NluTrainingData {
  intents: readonly { name: string; entities: readonly EntitySpec[] }[];
  examples: readonly { intent: string; text: string; entities: readonly EntitySpan[] }[];
}

export interface NluTrainOptions {
  /** Below this calibrated confidence a parse answers `none` (out of scope). @default 0.5 */
  threshold?: number;
  /** Called as training advances: `done` of `total` steps. */
  onProgress?: (done: number, total: number) => void;
  /** Engine settings, for benchmarks and tuning; the defaults suit most bots. */
  hyperparameters?: Partial<Hyperparameters>;
}

export interface NluParseOptions {
  /** Dates and times are resolved relative to this instant. @default now */
  referenceTime?: Date;
  /** Extract entities for this intent instead of the recognised one (slot filling in a conversation). */
  intent?: string;
  /** The trace the parse belongs to: sent to the gateway as `traceparent`, so its LLM ledger names the trace. */
  traceId?: string;
}

/** An intent and how sure the engine is of it, 0 to 1. */
export interface IntentScore {
  name: string;
  confidence: number;
}

/** An entity found in the text, its value coerced to and validated by the intent's schema. */
export interface ExtractedEntity {
  entity: string;
  /** The normalised value: an enum member, a number, an ISO date/datetime string, or the span text. */
  value: unknown;
  /** The span in the input; `end` exclusive. */
  text: string;
  start: number;
  end: number;
  confidence: number;
  /** Which extractor found it. */
  extractor: 'model' | 'enum' | 'date' | 'number' | 'boolean' | 'llm';
}

/** An entity the engine found but the schema rejected: reported, never passed on to an action. */
export interface RejectedEntity {
  entity: string;
  text: string;
  reason: string;
}

export interface NluResult {
  text: string;
  /** The recognised intent, or `none` with its confidence when out of scope. */
  intent: IntentScore;
  /** The top intents, best first, `none` included where it scored (at most 5). */
  ranking: IntentScore[];
  entities: ExtractedEntity[];
  rejected: RejectedEntity[];
  /** Which engine answered: the local model or the LLM. Absent from the bare engine; the recognizer always sets it. */
  path?: 'local' | 'llm';
  /** LLM calls made for this parse (also when the local engine answered in the end); absent when none were made. */
  usage?: LlmUsage;
  /** Why the LLM's answer was not used and the local engine answered instead. */
  llmError?: string;
}
