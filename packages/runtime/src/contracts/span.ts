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

let origin = performance.timeOrigin;

/**
 * Now, for span timings: epoch milliseconds to the microsecond. The monotonic clock gives the microseconds; it is
 * re-anchored to the wall clock whenever they drift apart (a suspended laptop, an NTP step), so spans of different
 * processes and `Date.now()` deadlines stay comparable.
 */
export function spanTime(): number {
  const monotonic = performance.now();
  const wall = Date.now();
  if (Math.abs(origin + monotonic - wall) > 2) origin = wall - monotonic;
  return Math.round((origin + monotonic) * 1000) / 1000;
}
