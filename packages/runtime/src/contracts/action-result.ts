// ActionResult: what the executor did for an input, fanned out on `results` to whoever waits for the reply.
import { z } from 'zod';
import { envelopeShape, IdSchema } from './envelope.ts';
import { ErrorDataSchema } from './error-data.ts';

const resultShape = {
  ...envelopeShape,
  type: z.literal('action.result'),
  inputId: IdSchema,
  intent: z.string().min(1).max(200),
  /** The text to reply to the user (on failure, a user-facing apology). */
  reply: z.string().max(100_000),
  data: z.record(z.string(), z.unknown()).optional(),
  /** Attempts the action took, 1 when the first try settled it. */
  attempts: z.number().int().min(1),
};

export const ActionResultSchema = z.discriminatedUnion('status', [
  z.object({ ...resultShape, status: z.literal('ok') }),
  z.object({ ...resultShape, status: z.literal('failed'), error: ErrorDataSchema }),
]);

export type ActionResult = z.infer<typeof ActionResultSchema>;
