// The gateway's public API as zod schemas: they validate requests and generate /openapi.json.
import { z } from 'zod';

const Id = z.string().min(1).max(200);
const Ids = {
  id: z.uuid().meta({ description: 'The message id.' }),
  traceId: z.string().meta({ description: 'The W3C trace id of everything this message caused.' }),
  conversationId: Id.meta({ description: "The conversation the message belongs to: the one sent, or the user's conversation on this channel." }),
};

/** POST /v1/messages. */
export const PostMessageBodySchema = z.strictObject({
  user: Id.meta({ description: 'Who sent it (your user id).' }),
  text: z.string().min(1).max(4000).meta({ description: 'What the user said.' }),
  conversationId: Id.optional().meta({
    description:
      "Continue this conversation. Default: the user's conversation on this channel (the same user and channel continue it; its context expires after 10 idle minutes).",
  }),
  channel: Id.optional().meta({ description: 'Where the message came from. Default: "api".' }),
  idempotencyKey: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: 'Send the same key again (e.g. on a retry) and the first message is returned instead of a new one.' }),
  data: z.record(z.string(), z.unknown()).optional().meta({ description: 'Structured input sent alongside the text: a JSON object nested at most 32 levels.' }),
});

export const PostMessageQuerySchema = z.object({
  wait: z.coerce
    .number()
    .int()
    .min(0)
    .max(30_000)
    .optional()
    .meta({ description: 'Wait up to this many milliseconds for the reply (200) before answering 202 with status "pending".' }),
});

export const AcceptedSchema = z.object(Ids);

const ErrorSummarySchema = z.object({ code: z.string(), message: z.string() });

/** The reply to a message (200 after ?wait) or `pending` (202) when it did not come in time. */
export const MessageReplySchema = z.object({
  ...Ids,
  status: z.enum(['completed', 'failed', 'clarifying', 'pending']),
  intent: z.string().optional(),
  reply: z.string().optional().meta({ description: 'The text to show the user (the question, when clarifying).' }),
  data: z.record(z.string(), z.unknown()).optional(),
  ask: z
    .union([z.object({ kind: z.literal('slot'), entity: z.string() }), z.object({ kind: z.literal('confirmation') })])
    .optional()
    .meta({ description: 'What a clarification asks for.' }),
  error: ErrorSummarySchema.optional().meta({ description: 'Why the action failed.' }),
});
export type MessageReply = z.infer<typeof MessageReplySchema>;

export const MessageIdParamsSchema = z.object({ id: z.uuid().meta({ description: 'A message id from POST /v1/messages.' }) });
export const ConversationParamsSchema = z.object({ id: Id.meta({ description: 'A conversation id.' }) });

/** GET /v1/messages/:id. */
export const MessageRecordSchema = z.object({
  ...Ids,
  tenant: z.string(),
  status: z.enum(['received', 'recognized', 'clarifying', 'executing', 'completed', 'failed']),
  intent: z.string().optional(),
  reply: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  error: ErrorSummarySchema.extend({ nonRetryable: z.boolean() }).optional(),
  createdAt: z.number().int().meta({ description: 'Epoch ms.' }),
  updatedAt: z.number().int().meta({ description: 'Epoch ms.' }),
});

/** The JSON in the `data:` line of each server-sent event. */
export const StreamEventSchemas = {
  recognized: z.object({
    inputId: z.string(),
    traceId: z.string(),
    intent: z.string(),
    confidence: z.number(),
    entities: z.record(z.string(), z.unknown()),
  }),
  clarification: z.object({ inputId: z.string(), traceId: z.string(), intent: z.string(), ask: MessageReplySchema.shape.ask, text: z.string() }),
  reply: z.object({ inputId: z.string(), traceId: z.string(), intent: z.string(), status: z.enum(['completed', 'failed']), reply: z.string() }),
};

export const HealthSchema = z.object({ status: z.literal('ok') });
export const ReadySchema = z.object({ status: z.literal('ready'), checks: z.object({ receiver: z.boolean(), broker: z.boolean() }) });
