// The receiver service: POST /v1/inputs validates and normalises a channel's input and hands it to receiveInput.

import { newSpanId, newTraceId } from '../../contracts/ids.ts';
import { spanTime } from '../../contracts/span.ts';
import { invalidRequest } from '../http/errors.ts';
import { createHttpApp, listenHttpApp } from '../http/http-app.ts';
import { createSpanRecorder } from '../http/span-recorder.ts';
import { parseTraceparent } from '../http/traceparent.ts';
import type { HostContext, RunningService, ServiceOptions } from '../service-context.ts';
import { normaliseInput, ReceiverInputSchema } from './input-schema.ts';
import { receiveInput } from './receive-input.ts';

export interface ReceiverOptions extends ServiceOptions {
  /** Largest request body accepted, in bytes. @default 65536 */
  bodyLimit?: number;
}

/** Starts the receiver on `options.host:options.port` (127.0.0.1, a free port by default). It runs no project code. */
export async function createReceiver(context: HostContext, options: ReceiverOptions): Promise<RunningService> {
  const { broker, store, logger } = context;
  const spans = createSpanRecorder(store, logger);
  const app = createHttpApp({ logger, ...(options.bodyLimit !== undefined && { bodyLimit: options.bodyLimit }) });

  app.post('/v1/inputs', async (request, reply) => {
    const startMs = spanTime();
    const parsed = ReceiverInputSchema.safeParse(request.body);
    if (!parsed.success) throw invalidRequest('body', parsed.error);
    const input = normaliseInput(parsed.data);
    const parent = parseTraceparent(request.headers.traceparent);
    const trace = { traceId: parent?.traceId ?? newTraceId(), spanId: newSpanId() };
    const accepted = await receiveInput(broker, store, input, trace);
    spans.record({
      v: 1,
      type: 'span',
      traceId: accepted.traceId,
      conversationId: accepted.conversationId,
      tenant: input.tenant,
      spanId: trace.spanId,
      ...(parent && accepted.traceId === parent.traceId && { parentId: parent.spanId }),
      service: 'receiver',
      name: 'receive',
      startMs,
      endMs: spanTime(),
      attributes: { channel: input.channel, duplicate: accepted.duplicate },
    });
    return reply.code(202).send(accepted);
  });

  const port = await listenHttpApp(app, options);
  return {
    port,
    async close() {
      await app.close();
      await spans.close();
    },
  };
}
