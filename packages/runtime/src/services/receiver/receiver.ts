// The receiver service: POST /v1/inputs validates and normalises a channel's input and hands it to receiveInput.

import { z } from 'zod';
import { newSpanId, newTraceId } from '../../contracts/ids.ts';
import { spanTime } from '../../contracts/span.ts';
import { toErrorReply } from '../http/error-handler.ts';
import { HttpError, invalidRequest } from '../http/errors.ts';
import { createHttpApp, DEFAULT_BODY_LIMIT, listenHttpApp } from '../http/http-app.ts';
import { createSpanRecorder } from '../http/span-recorder.ts';
import { parseTraceparent } from '../http/traceparent.ts';
import type { HostContext, RunningService, ServiceOptions } from '../service-context.ts';
import { normaliseInput, ReceiverInputSchema } from './input-schema.ts';
import { type Accepted, receiveInput } from './receive-input.ts';

export interface ReceiverOptions extends ServiceOptions {
  /** Largest request body accepted, in bytes. @default 65536 */
  bodyLimit?: number;
}

// A batch carries many inputs, each within the single-input limit; the gateway keeps batches below this.
const BATCH_BODY_LIMIT = 1024 * 1024;

/** `POST /v1/inputs/batch`: each entry is what `POST /v1/inputs` takes, with its caller's traceparent. */
const InputBatchSchema = z.strictObject({
  inputs: z
    .array(z.strictObject({ input: z.unknown(), traceparent: z.string().max(100).optional() }))
    .min(1)
    .max(256),
});

/** Starts the receiver on `options.host:options.port` (127.0.0.1, a free port by default). It runs no project code. */
export async function createReceiver(context: HostContext, options: ReceiverOptions): Promise<RunningService> {
  const { broker, store, logger } = context;
  const spans = createSpanRecorder(store, logger);
  const app = createHttpApp({ logger, ...(options.bodyLimit !== undefined && { bodyLimit: options.bodyLimit }) });

  /** One input: validated, normalised, recorded and published; throws an HttpError for the client's mistakes. */
  async function accept(body: unknown, traceparent: unknown): Promise<Accepted> {
    const startMs = spanTime();
    const parsed = ReceiverInputSchema.safeParse(body);
    if (!parsed.success) throw invalidRequest('body', parsed.error);
    const input = normaliseInput(parsed.data);
    const parent = parseTraceparent(typeof traceparent === 'string' ? traceparent : undefined);
    const trace = { traceId: parent?.traceId ?? newTraceId(), spanId: newSpanId() };
    const accepted = await receiveInput(broker, store, input, trace, (error) =>
      logger.warn({ err: error, traceId: trace.traceId }, 'could not record the status "received"; the message was published'),
    );
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
    return accepted;
  }

  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  // Each input of a batch is held to the limit of one input sent alone.
  async function acceptWithin(input: unknown, traceparent: unknown): Promise<Accepted> {
    if (Buffer.byteLength(JSON.stringify(input) ?? '') > bodyLimit) {
      throw new HttpError('BODY_TOO_LARGE', `the input is larger than ${bodyLimit} bytes; send less data`);
    }
    return accept(input, traceparent);
  }

  app.post('/v1/inputs', async (request, reply) => reply.code(202).send(await accept(request.body, request.headers.traceparent)));

  // Several inputs in one request (the gateway batches under load): each is accepted or refused on its own,
  // and all of them are handled in the same turn, so their writes share the store's and the broker's commits.
  app.post('/v1/inputs/batch', { bodyLimit: BATCH_BODY_LIMIT }, async (request, reply) => {
    const batch = InputBatchSchema.safeParse(request.body);
    if (!batch.success) throw invalidRequest('body', batch.error);
    const results = await Promise.all(
      batch.data.inputs.map(({ input, traceparent }) =>
        acceptWithin(input, traceparent).then(
          (accepted) => ({ status: 202, body: accepted }),
          (error: unknown) => {
            const answer = toErrorReply(error as Error, bodyLimit);
            if (answer.status >= 500) logger.error({ err: error }, 'an input of a batch failed');
            return { status: answer.status, body: answer.body };
          },
        ),
      ),
    );
    return reply.code(200).send({ results });
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
