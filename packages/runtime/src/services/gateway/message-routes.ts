// POST /v1/messages (forward to the receiver, optionally wait for the reply) and GET /v1/messages/:id.

import type { FastifyInstance } from 'fastify';
import { DEFAULT_CHANNEL, DEFAULT_TENANT, newMessageId, newSpanId, newTraceId, userConversationId } from '../../contracts/ids.ts';
import { spanTime } from '../../contracts/span.ts';
import type { Store } from '../../store/types.ts';
import { errorBody, HttpError, invalidRequest } from '../http/errors.ts';
import { exceedsDepth, MAX_JSON_DEPTH } from '../http/json-depth.ts';
import type { SpanRecorder } from '../http/span-recorder.ts';
import { formatTraceparent } from '../http/traceparent.ts';
import { MessageIdParamsSchema, PostMessageBodySchema, PostMessageQuerySchema } from './api-schemas.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';
import { publicError, replyFromMessage, replyFromRecord } from './message-replies.ts';
import type { ReceiverClient } from './receiver-client.ts';
import type { ReplyWaiters, Waiter } from './reply-waiters.ts';

export interface MessageRouteDeps {
  store: Store;
  receiver: ReceiverClient;
  waiters: ReplyWaiters;
  metrics: GatewayMetrics;
  spans: SpanRecorder;
}

const TENANT = DEFAULT_TENANT;

export function registerMessageRoutes(app: FastifyInstance, deps: MessageRouteDeps): void {
  const { store, receiver, waiters, metrics, spans } = deps;

  app.post('/v1/messages', async (request, reply) => {
    const startMs = spanTime();
    const body = PostMessageBodySchema.safeParse(request.body);
    if (!body.success) throw invalidRequest('body', body.error);
    const query = PostMessageQuerySchema.safeParse(request.query);
    if (!query.success) throw invalidRequest('query', query.error);
    if (body.data.data && exceedsDepth(body.data.data, MAX_JSON_DEPTH)) {
      throw new HttpError('NESTING_TOO_DEEP', `body.data nests deeper than ${MAX_JSON_DEPTH} levels; flatten it`);
    }
    // The gateway picks the ids so it can wait for the reply before the receiver has even seen the message.
    const ids = {
      id: newMessageId(),
      traceId: newTraceId(),
      conversationId: body.data.conversationId ?? userConversationId(TENANT, body.data.channel ?? DEFAULT_CHANNEL, body.data.user),
    };
    const spanId = newSpanId();
    const waitMs = query.data.wait ?? 0;
    let waiter: Waiter | undefined = waitMs > 0 ? waiters.wait(ids.id, waitMs) : undefined;
    const record = (status: number) =>
      spans.record({
        v: 1,
        type: 'span',
        ...ids,
        tenant: TENANT,
        spanId,
        service: 'gateway',
        name: 'POST /v1/messages',
        startMs,
        endMs: spanTime(),
        attributes: { status },
      });
    try {
      const accepted = await receiver.forward({ ...body.data, id: ids.id, conversationId: ids.conversationId }, formatTraceparent(ids.traceId, spanId));
      metrics.messageAccepted(accepted.duplicate);
      if (accepted.duplicate) {
        // A repeated idempotency key: the answer is the first message's, which may be settled already.
        Object.assign(ids, { id: accepted.id, traceId: accepted.traceId, conversationId: accepted.conversationId });
        if (waiter) {
          waiter.cancel();
          waiter = waiters.wait(ids.id, Math.max(1, startMs + waitMs - Date.now()));
          const settled = replyFromRecord(ids, await store.getMessage(ids.id));
          if (settled) {
            waiter.cancel();
            record(200);
            return reply.code(200).send(settled);
          }
        }
      }
      if (!waiter) {
        record(202);
        return reply.code(202).send(ids);
      }
      const current = waiter;
      reply.raw.once('close', () => current.cancel());
      const message = await current.reply;
      if (!message) {
        record(202);
        return reply.code(202).send({ ...ids, status: 'pending' });
      }
      metrics.replyDelivered('wait');
      record(200);
      return reply.code(200).send(replyFromMessage(ids, message));
    } catch (error) {
      waiter?.cancel();
      record((error as { statusCode?: number }).statusCode ?? 500);
      throw error;
    }
  });

  app.get('/v1/messages/:id', async (request, reply) => {
    const params = MessageIdParamsSchema.safeParse(request.params);
    if (!params.success) throw invalidRequest('params', params.error);
    const found = await store.getMessage(params.data.id);
    if (!found) return reply.code(404).send(errorBody('MESSAGE_NOT_FOUND', `no message ${params.data.id}; it may be older than the store keeps messages`));
    if (!found.error) return found;
    return { ...found, error: { ...publicError(found.error.code, found.traceId), nonRetryable: found.error.nonRetryable } };
  });
}
