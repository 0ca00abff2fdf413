// The fields every cross-process message carries: schema version, trace, conversation and tenant.
import { z } from 'zod';

/** The schema version this build writes. A consumer rejects (non-retryably) versions it does not know. */
export const CONTRACT_VERSION = 1;

/** W3C trace id: 32 lowercase hex digits, so spans export to OTLP unchanged. */
export const TraceIdSchema = z.string().regex(/^[0-9a-f]{32}$/, 'a trace id is 32 lowercase hex digits');

/** W3C span id: 16 lowercase hex digits. */
export const SpanIdSchema = z.string().regex(/^[0-9a-f]{16}$/, 'a span id is 16 lowercase hex digits');

/** Opaque identifiers (message, conversation, tenant, user): non-empty, bounded. */
export const IdSchema = z.string().min(1).max(200);

/** Milliseconds since the Unix epoch. */
export const EpochMsSchema = z.number().int().nonnegative();

/** The envelope fields, spread into every message schema. */
export const envelopeShape = {
  v: z.literal(CONTRACT_VERSION),
  traceId: TraceIdSchema,
  conversationId: IdSchema,
  tenant: IdSchema,
};
