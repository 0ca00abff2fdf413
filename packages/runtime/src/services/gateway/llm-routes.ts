// The LLM face of the gateway: POST /llm/v1/chat/completions (JSON or SSE), GET /llm/v1/models, and GET /v1/usage.
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { LlmOptionsSchema, type ParsedLlmOptions } from '../../define/llm-options.ts';
import { type ChatAnswer, handleChatCompletion } from '../../llm/chat-completions.ts';
import { resolveLlmConfig } from '../../llm/config.ts';
import type { SpanSink } from '../../llm/ledger.ts';
import { createLlmGateway, type LlmGateway } from '../../llm/llm-gateway.ts';
import type { Store } from '../../store/types.ts';
import { parseTraceparent } from '../http/traceparent.ts';
import { registerUsageRoutes } from './usage-routes.ts';

export interface LlmRouteDeps {
  /** The project's `llm` config section; left out, the defaults (an `openai` provider from OPENAI_API_KEY / OPENAI_BASE_URL). */
  options: ParsedLlmOptions | undefined;
  store: Store;
  logger: Logger;
  spans: SpanSink;
  /** Where provider keys are read. @default process.env */
  env?: Record<string, string | undefined>;
}

/** Prompts are larger than bot messages: this route takes up to 8 MiB, whatever the gateway's body limit. */
const CHAT_BODY_LIMIT = 8 * 1024 * 1024;

/** Registers the LLM routes; a mistake in `llm` config throws here, before the gateway listens. */
export function registerLlmRoutes(app: FastifyInstance, deps: LlmRouteDeps): LlmGateway {
  const config = resolveLlmConfig(deps.options ?? LlmOptionsSchema.parse({}), deps.env);
  const gateway = createLlmGateway({ config, store: deps.store, spans: deps.spans, logger: deps.logger.child({ scope: 'llm' }) });
  app.addHook('onClose', () => gateway.close());

  app.post('/llm/v1/chat/completions', { bodyLimit: CHAT_BODY_LIMIT }, async (request, reply) => {
    const trace = parseTraceparent(request.headers.traceparent);
    const conversationId = request.headers['x-conversation-id'];
    const answer = await handleChatCompletion(gateway, {
      body: request.body,
      ...(request.headers.authorization && { authorization: request.headers.authorization }),
      ...(trace && { trace }),
      ...(typeof conversationId === 'string' && conversationId && { conversationId: conversationId.slice(0, 200) }),
      onClientGone: (listener) => {
        const gone = () => {
          if (!reply.raw.writableFinished) listener();
        };
        // Gone already (while the body was read or the budget checked): the call is abandoned before it starts.
        if (reply.raw.closed) gone();
        else reply.raw.once('close', gone);
      },
    });
    if (answer.kind === 'json') return reply.code(answer.status).headers(answer.headers).send(answer.body);
    // The stream is written by hand so each event leaves at once and a slow client applies backpressure upstream.
    reply.hijack();
    await writeStream(reply.raw, answer);
  });

  app.get('/llm/v1/models', async (request, reply) => {
    try {
      gateway.authenticate(request.headers.authorization);
    } catch (error) {
      const { code, message, status } = error as { code: string; message: string; status: number };
      return reply.code(status).send({ error: { code, message } });
    }
    return { object: 'list', data: gateway.listModels() };
  });

  registerUsageRoutes(app, { store: deps.store, authenticate: gateway.authenticate });
  return gateway;
}

async function writeStream(raw: ServerResponse, answer: Extract<ChatAnswer, { kind: 'stream' }>): Promise<void> {
  raw.writeHead(200, answer.headers);
  raw.flushHeaders();
  for await (const event of answer.events) {
    if (raw.destroyed) break;
    if (!raw.write(event)) await drained(raw);
  }
  if (!raw.destroyed) raw.end();
}

function drained(raw: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      raw.off('drain', done);
      raw.off('close', done);
      resolve();
    };
    raw.on('drain', done);
    raw.on('close', done);
  });
}
