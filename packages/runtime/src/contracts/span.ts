// Span: one timed step of a trace, recorded by every hop; the TUI, `bot test` and OTLP export read the same spans.
import { z } from 'zod';
import { envelopeShape, IdSchema, SpanIdSchema } from './envelope.ts';

/** Epoch milliseconds with microsecond precision: a hop of the local runtime takes well under a millisecond. */
const SpanTimeSchema = z.number().nonnegative();

export const SpanSchema = z
  .object({
    ...envelopeShape,
    type: z.literal('span'),
    spanId: SpanIdSchema,
    parentId: SpanIdSchema.optional(),
    /** The service that recorded it: `gateway`, `receiver`, `nlp`, `executor`. */
    service: IdSchema,
    name: z.string().min(1).max(200),
    startMs: SpanTimeSchema,
    endMs: SpanTimeSchema,
    /** intent, confidence, model, tokens, cost… */
    attributes: z.record(z.string(), z.union([z.string().max(10_000), z.number(), z.boolean()])),
  })
  .refine((span) => span.endMs >= span.startMs, { message: 'endMs is before startMs', path: ['endMs'] });

export type Span = z.infer<typeof SpanSchema>;

/** Now, for span timings: epoch milliseconds to the microsecond (the same clock in every process of the machine). */
export function spanTime(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000) / 1000;
}
