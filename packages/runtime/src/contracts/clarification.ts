// Clarification: nlp asks the user for a missing required entity or a yes/no before a destructive intent.
import { z } from 'zod';
import { envelopeShape, IdSchema } from './envelope.ts';

const AskSchema = z.discriminatedUnion('kind', [
  /** A required entity is missing. */
  z.object({ kind: z.literal('slot'), entity: z.string().min(1).max(200) }),
  /** The intent needs a yes/no before it runs. */
  z.object({ kind: z.literal('confirmation') }),
]);

export const ClarificationSchema = z.object({
  ...envelopeShape,
  type: z.literal('clarification'),
  inputId: IdSchema,
  /** The pending intent the question is about. */
  intent: z.string().min(1).max(200),
  ask: AskSchema,
  /** The question to show the user. */
  text: z.string().min(1).max(10_000),
  /** Entities filled so far. */
  entities: z.record(z.string(), z.unknown()),
});

export type Clarification = z.infer<typeof ClarificationSchema>;
