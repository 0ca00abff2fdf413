// What the receiver accepts on POST /v1/inputs, and how it normalises it into the fields of an InputReceived.
import { z } from 'zod';
import { DEFAULT_CHANNEL, DEFAULT_TENANT } from '../../contracts/ids.ts';
import { HttpError } from '../http/errors.ts';
import { exceedsDepth, MAX_JSON_DEPTH } from '../http/json-depth.ts';

const Id = z.string().min(1).max(200);

/** A channel's input, as the gateway (or a channel adapter) posts it to the receiver. */
export const ReceiverInputSchema = z.strictObject({
  /** The message id, chosen by the gateway so it can wait for the reply before forwarding. @default a new UUID */
  id: z.uuid().optional(),
  /** @default "default" */
  tenant: Id.optional(),
  user: Id,
  text: z.string().max(100_000),
  /** @default the user's conversation on this channel (see userConversationId) */
  conversationId: Id.optional(),
  /** @default "api" */
  channel: Id.optional(),
  idempotencyKey: z.string().min(1).max(200).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type ReceiverInput = z.infer<typeof ReceiverInputSchema>;

/** The input after normalisation: defaults applied, text trimmed, whitespace collapsed, NFC. */
export interface NormalisedInput extends ReceiverInput {
  tenant: string;
  channel: string;
}

/** Applies defaults and normalises text; throws an INVALID_REQUEST when nothing is left to act on. */
export function normaliseInput(input: ReceiverInput): NormalisedInput {
  const text = input.text.normalize('NFC').replace(/\s+/gu, ' ').trim();
  if (text === '' && !input.data) {
    throw new HttpError('INVALID_REQUEST', 'invalid request: body.text: empty after trimming whitespace; send some text or data', [
      { field: 'body.text', message: 'empty after trimming whitespace' },
    ]);
  }
  if (input.data && exceedsDepth(input.data, MAX_JSON_DEPTH)) {
    throw new HttpError('NESTING_TOO_DEEP', `body.data nests deeper than ${MAX_JSON_DEPTH} levels; flatten it`);
  }
  return { ...input, text, tenant: input.tenant ?? DEFAULT_TENANT, channel: input.channel ?? DEFAULT_CHANNEL };
}
