// Subscribes the gateway (fan-out) to `results`, and to `intents` while event streams are open, validating each
// message before handing it on.

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
  /** Whether any event stream is open here (the `intents` subscription is kept while one is). */
  streamsOpen(): boolean;
  onReply(message: ReplyMessage, delivery: Delivery): void;
  onRecognized(message: IntentRecognized, delivery: Delivery): void;
}

/** The gateway's view of the fan-out topics: `results` always, `intents` only while a stream wants them. */
export interface ReplyFeed extends Subscription {
  /**
   * Subscribes to `intents` (the streams' `recognized` events) if not yet, and resolves once it is live. Without
   * an open stream nobody here wants them, and each would wake this process and be read for nothing.
   */
  needRecognized(): Promise<void>;
  /** No stream is open any more: `intents` is left after a grace period (a stream reopened meanwhile keeps it). */
  recognizedUnneeded(): void;
}

// Long enough that a client reconnecting its stream (SSE retry: 3 s) finds the subscription still live.
const UNSUBSCRIBE_AFTER_MS = 30_000;

/** Resolves once the `results` subscription is live: from then on no reply published is missed. */
export async function subscribeReplyFeed(broker: Broker, handlers: ReplyFeedHandlers, logger: Logger): Promise<ReplyFeed> {
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
  let intents: Promise<Subscription> | undefined;
  let idle: NodeJS.Timeout | undefined;
  let closed = false;
  const subscribeIntents = () =>
    broker.subscribe(
      TOPICS.intents,
      (delivery) => {
        if (!wanted(handlers, delivery)) return;
        const decoded = decode(IntentRecognizedSchema, delivery.payload);
        if (!decoded.ok) throw decoded.error;
        handlers.onRecognized(decoded.value, delivery);
      },
      { onError },
    );
  return {
    async needRecognized() {
      if (closed) throw new Error('the gateway is shutting down');
      clearTimeout(idle);
      intents ??= subscribeIntents();
      try {
        await intents;
      } catch (error) {
        intents = undefined;
        throw error;
      }
    },
    recognizedUnneeded() {
      if (closed) return;
      clearTimeout(idle);
      idle = setTimeout(() => {
        // A stream may have opened since (its subscription request raced this timer): keep following then.
        if (handlers.streamsOpen()) return;
        const closing = intents;
        intents = undefined;
        void closing?.then((s) => s.close()).catch(() => {});
      }, UNSUBSCRIBE_AFTER_MS).unref();
    },
    async close(options) {
      closed = true;
      clearTimeout(idle);
      const open = await intents?.catch(() => undefined);
      intents = undefined;
      await Promise.all([results.close(options), open?.close(options)]);
    },
  };
}

function wanted(handlers: ReplyFeedHandlers, delivery: Delivery): boolean {
  const payload = delivery.payload as { inputId?: unknown; conversationId?: unknown } | null;
  return typeof payload === 'object' && payload !== null && handlers.wants(payload.inputId, payload.conversationId);
}
