// Every cross-process message in one union, keyed by `type`, for consumers that read more than one kind (e.g. `results`).
import { z } from 'zod';
import { ActionResultSchema } from './action-result.ts';
import { ClarificationSchema } from './clarification.ts';
import { InputReceivedSchema } from './input-received.ts';
import { IntentRecognizedSchema } from './intent-recognized.ts';
import { SpanSchema } from './span.ts';

export const BotMessageSchema = z.discriminatedUnion('type', [
  InputReceivedSchema,
  IntentRecognizedSchema,
  ClarificationSchema,
  ActionResultSchema,
  SpanSchema,
]);

export type BotMessage = z.infer<typeof BotMessageSchema>;

/** What fans out on `results`: a finished action or a question back to the user. */
export const ReplyMessageSchema = z.discriminatedUnion('type', [ActionResultSchema, ClarificationSchema]);

export type ReplyMessage = z.infer<typeof ReplyMessageSchema>;
