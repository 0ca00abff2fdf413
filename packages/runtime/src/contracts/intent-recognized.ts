// IntentRecognized: the intent and entities nlp found for an input, published to `intents`.
import { z } from 'zod';
import { envelopeShape, IdSchema } from './envelope.ts';

const ConfidenceSchema = z.number().min(0).max(1);

export const IntentRecognizedSchema = z.object({
  ...envelopeShape,
  type: z.literal('intent.recognized'),
  /** The input this answers (its `InputReceived.id`). */
  inputId: IdSchema,
  user: IdSchema,
  channel: IdSchema,
  /** The text that completed the intent (the last turn when slots were filled over several). */
  text: z.string().max(100_000),
  /** The intent name; `none` when out of scope. */
  intent: z.string().min(1).max(200),
  confidence: ConfidenceSchema,
  /** Validated by the intent's entity schema before publishing; actions see only these. */
  entities: z.record(z.string(), z.unknown()),
  /** The top intents, best first. */
  ranking: z.array(z.object({ intent: z.string().min(1).max(200), confidence: ConfidenceSchema })).max(20),
  /** Which engine decided: the local model or the LLM. */
  path: z.enum(['local', 'llm']),
  /** True when the user said yes to a confirmation for this intent. */
  confirmed: z.boolean().optional(),
  /** Stable across redeliveries: the executor's idempotency ledger keys on it. */
  idempotencyKey: z.string().min(1).max(200),
});

export type IntentRecognized = z.infer<typeof IntentRecognizedSchema>;
