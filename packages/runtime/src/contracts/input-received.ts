// InputReceived: one normalised input from any channel, published by the receiver to `inputs`.
import { z } from 'zod';
import { EpochMsSchema, envelopeShape, IdSchema } from './envelope.ts';

export const InputReceivedSchema = z.object({
  ...envelopeShape,
  type: z.literal('input.received'),
  /** The message id; every later message about this input refers to it as `inputId`. */
  id: IdSchema,
  user: IdSchema,
  /** Where it came from: `api`, `slack`, `webhook`… */
  channel: IdSchema,
  text: z.string().max(100_000),
  /** Structured input sent alongside (or instead of) text. */
  data: z.record(z.string(), z.unknown()).optional(),
  /** The client's key: the receiver drops a second input with the same key. */
  idempotencyKey: z.string().min(1).max(200).optional(),
  receivedAt: EpochMsSchema,
});

export type InputReceived = z.infer<typeof InputReceivedSchema>;
