// Writes every LLM call to the cost ledger, as a span and as one request-log line. Keys and headers are never part of it.
import type { Logger } from 'pino';
import { newSpanId } from '../contracts/ids.ts';
import type { Span } from '../contracts/span.ts';
import type { Store, UsageStatus } from '../store/types.ts';
import type { Usage } from './usage.ts';

/** Where spans go: the gateway's batching span recorder. */
export interface SpanSink {
  record(span: Span): void;
}

/** One finished call, as the chat handler saw it. */
export interface CallOutcome {
  traceId: string;
  parentSpanId?: string;
  conversationId: string;
  startMs: number;
  /** The model the client asked for. */
  model: string;
  provider: string;
  /** The provider's model name that answered, when it differs from `model`. */
  upstreamModel?: string;
  usage: Usage;
  costUsd: number;
  cacheHit: boolean;
  apiKeyId: string;
  status: UsageStatus;
  errorCode?: string;
  attempts: number;
  stream: boolean;
}

export interface Ledger {
  /** Records the call; a store failure is logged, never thrown into the response. */
  record(outcome: CallOutcome): Promise<void>;
}

export function createLedger(store: Store, spans: SpanSink, logger: Logger): Ledger {
  return {
    async record(call) {
      const endMs = Date.now();
      const latencyMs = endMs - call.startMs;
      const { inputTokens, outputTokens, cachedTokens, estimated } = call.usage;
      spans.record({
        v: 1,
        type: 'span',
        traceId: call.traceId,
        conversationId: call.conversationId,
        tenant: 'default',
        spanId: newSpanId(),
        ...(call.parentSpanId && { parentId: call.parentSpanId }),
        service: 'gateway',
        name: `llm ${call.model}`.slice(0, 200),
        startMs: call.startMs,
        endMs,
        attributes: {
          model: call.model,
          provider: call.provider,
          ...(call.upstreamModel && { upstreamModel: call.upstreamModel }),
          inputTokens,
          outputTokens,
          cachedTokens,
          costUsd: call.costUsd,
          cacheHit: call.cacheHit,
          estimated,
          status: call.status,
          attempts: call.attempts,
          stream: call.stream,
          apiKeyId: call.apiKeyId,
          ...(call.errorCode && { errorCode: call.errorCode }),
        },
      });
      logger.info(
        {
          traceId: call.traceId,
          model: call.model,
          provider: call.provider,
          apiKeyId: call.apiKeyId,
          status: call.status,
          errorCode: call.errorCode,
          inputTokens,
          outputTokens,
          costUsd: call.costUsd,
          latencyMs,
          cacheHit: call.cacheHit,
          estimated,
          attempts: call.attempts,
        },
        'llm call',
      );
      try {
        await store.recordUsage({
          traceId: call.traceId,
          model: call.model,
          provider: call.provider,
          inputTokens,
          outputTokens,
          cachedTokens,
          costUsd: call.costUsd,
          latencyMs,
          cacheHit: call.cacheHit,
          estimated,
          apiKeyId: call.apiKeyId,
          status: call.status,
          ...(call.errorCode && { errorCode: call.errorCode }),
          atMs: call.startMs,
        });
      } catch (error) {
        logger.error({ err: error, traceId: call.traceId }, 'could not write the LLM usage record');
      }
    },
  };
}
