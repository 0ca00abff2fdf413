// The gateway service: the bot's HTTP API. Forwards messages to the receiver and delivers replies (?wait and SSE).
import type { Logger } from 'pino';
import { invalidRequest } from '../http/errors.ts';
import { createHttpApp, listenHttpApp } from '../http/http-app.ts';
import { createSpanRecorder } from '../http/span-recorder.ts';
import type { RunningService, ServiceContext, ServiceOptions } from '../service-context.ts';
import { ConversationParamsSchema } from './api-schemas.ts';
import { EventStreams } from './event-streams.ts';
import { createGatewayMetrics } from './gateway-metrics.ts';
import { registerLlmRoutes } from './llm-routes.ts';
import { registerMessageRoutes } from './message-routes.ts';
import { registerOpsRoutes } from './ops-routes.ts';
import { registerPromptRoutes } from './prompt-routes.ts';
import { createReceiverClient } from './receiver-client.ts';
import { type ReplyFeed, subscribeReplyFeed } from './reply-feed.ts';
import { ReplyWaiters } from './reply-waiters.ts';

export interface GatewayOptions extends ServiceOptions {
  /** Largest request body accepted, in bytes. @default 65536 */
  bodyLimit?: number;
  /** Milliseconds between heartbeat comments on event streams. @default 15_000 */
  heartbeatMs?: number;
  /** How long a forward to the receiver may take before the client gets RECEIVER_UNAVAILABLE. @default 10_000 */
  forwardTimeoutMs?: number;
}

/** A gateway started without `receiverUrl`: a setup mistake, reported before anything listens. */
export class GatewayConfigError extends Error {
  override readonly name = 'GatewayConfigError';
  readonly code = 'GATEWAY_RECEIVER_URL_MISSING';
  readonly nonRetryable = true;
}

/** Starts the gateway on `options.host:options.port`; `options.receiverUrl` is required. */
export async function createGateway(context: ServiceContext, options: GatewayOptions): Promise<RunningService> {
  const { broker, store, logger } = context;
  if (!options.receiverUrl) {
    throw new GatewayConfigError('the gateway needs the receiver URL: pass --receiver-url or set INPUTBOT_RECEIVER_URL');
  }
  const receiver = createReceiverClient(options.receiverUrl, options.forwardTimeoutMs);
  const waiters = new ReplyWaiters();
  // Assigned below, before any stream can open.
  let feed: ReplyFeed | undefined;
  const streams = new EventStreams(options.heartbeatMs ?? 15_000, () => feed?.recognizedUnneeded());
  const metrics = createGatewayMetrics({ waiting: () => waiters.size, streams: () => streams.size });
  const spans = createSpanRecorder(store, logger);
  let subscribed = false;

  feed = await subscribeReplyFeed(
    broker,
    {
      streamsOpen: () => streams.size > 0,
      wants: (inputId, conversationId) =>
        (typeof inputId === 'string' && waiters.has(inputId)) || (typeof conversationId === 'string' && streams.has(conversationId)),
      onReply(message, delivery) {
        waiters.deliver(message);
        const streamed =
          message.type === 'clarification'
            ? streams.send(message.conversationId, 'clarification', delivery.id, {
                inputId: message.inputId,
                traceId: message.traceId,
                intent: message.intent,
                ask: message.ask,
                text: message.text,
              })
            : streams.send(message.conversationId, 'reply', delivery.id, {
                inputId: message.inputId,
                traceId: message.traceId,
                intent: message.intent,
                status: message.status === 'ok' ? 'completed' : 'failed',
                reply: message.reply,
              });
        if (streamed) metrics.replyDelivered('sse', streamed);
      },
      onRecognized(message, delivery) {
        streams.send(message.conversationId, 'recognized', delivery.id, {
          inputId: message.inputId,
          traceId: message.traceId,
          intent: message.intent,
          confidence: message.confidence,
          entities: message.entities,
        });
      },
    },
    logger,
  );
  subscribed = true;

  const app = createHttpApp({ logger, ...(options.bodyLimit !== undefined && { bodyLimit: options.bodyLimit }) });
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  registerMessageRoutes(app, { store, receiver, waiters, metrics, spans });
  registerOpsRoutes(app, { receiver, metrics, subscribed: () => subscribed });
  registerLlmRoutes(app, { options: context.project.config.llm, store, logger, spans });
  registerPromptRoutes(app, { prompts: context.project.prompts });
  app.get('/v1/conversations/:id/events', async (request, reply) => {
    const params = ConversationParamsSchema.safeParse(request.params);
    if (!params.success) throw invalidRequest('params', params.error);
    // The stream outlives the handler: Fastify hands the socket over and no longer answers this request.
    // `recognized` events come from `intents`, which the gateway only follows while a stream is open.
    await feed?.needRecognized();
    reply.hijack();
    streams.open(params.data.id, reply.raw);
    metrics.observeRequest('GET', '/v1/conversations/:id/events', 200, 0);
  });

  let port: number;
  try {
    port = await listenHttpApp(app, options);
  } catch (error) {
    await shutdown(logger);
    throw error;
  }

  async function shutdown(log: Logger): Promise<void> {
    subscribed = false;
    streams.closeAll();
    waiters.releaseAll();
    await app.close().catch((error: unknown) => log.warn({ err: error }, 'error while closing the HTTP server'));
    await feed?.close();
    await spans.close();
    receiver.close();
  }

  return { port, close: () => shutdown(logger) };
}
