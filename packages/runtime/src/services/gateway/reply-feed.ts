// Subscribes the gateway (fan-out) to `results` and `intents`, validating each message before handing it on.

import type { Logger } from 'pino';
import type { Broker, Delivery, Subscription } from '../../broker/types.ts';
import { decode } from '../../contracts/codec.ts';
import { type IntentRecognized, IntentRecognizedSchema } from '../../contracts/intent-recognized.ts';
import { type ReplyMessage, ReplyMessageSchema } from '../../contracts/messages.ts';
import { TOPICS } from '../topics.ts';

export interface ReplyFeedHandlers {
  /**
   * Whether a request here waits for input `inputId` or a stream listens to `conversationId` (raw, unvalidated
   * values). Every gateway sees every message; those nobody here wants are skipped before they are decoded.
   */
  wants(inputId: unknown, conversationId: unknown): boolean;
  onReply(message: ReplyMessage, delivery: Delivery): void;
  onRecognized(message: IntentRecognized, delivery: Delivery): void;
}

/** Resolves once both subscriptions are live: from then on no reply published is missed. */
export async function subscribeReplyFeed(broker: Broker, handlers: ReplyFeedHandlers, logger: Logger): Promise<Subscription> {
  const onError = (error: { code: string; message: string }, delivery: Delivery) =>
    logger.warn({ code: error.code, topic: delivery.topic, messageId: delivery.id }, `dropped a ${delivery.topic} message: ${error.message}`);
  const results = await broker.subscribe(
    TOPICS.results,
    (delivery) => {
      if (!wanted(handlers, delivery)) return;
      const decoded = decode(ReplyMessageSchema, delivery.payload);
      if (!decoded.ok) throw decoded.error;
      handlers.onReply(decoded.value, delivery);
    },
    { onError },
  );
  const intents = await broker
    .subscribe(
      TOPICS.intents,
      (delivery) => {
        if (!wanted(handlers, delivery)) return;
        const decoded = decode(IntentRecognizedSchema, delivery.payload);
        if (!decoded.ok) throw decoded.error;
        handlers.onRecognized(decoded.value, delivery);
      },
      { onError },
    )
    .catch(async (error: unknown) => {
      await results.close();
      throw error;
    });
  return {
    async close(options) {
      await Promise.all([results.close(options), intents.close(options)]);
    },
  };
}

function wanted(handlers: ReplyFeedHandlers, delivery: Delivery): boolean {
  const payload = delivery.payload as { inputId?: unknown; conversationId?: unknown } | null;
  return typeof payload === 'object' && payload !== null && handlers.wants(payload.inputId, payload.conversationId);
}
