// /readyz, /metrics and /openapi.json: what operators and client generators read.
import type { FastifyInstance } from 'fastify';
import { errorBody } from '../http/errors.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';
import { buildOpenApiDocument } from './openapi.ts';
import type { ReceiverClient } from './receiver-client.ts';

export interface OpsRouteDeps {
  receiver: ReceiverClient;
  metrics: GatewayMetrics;
  /** True once the gateway listens to `results` and `intents`. */
  subscribed: () => boolean;
}

export function registerOpsRoutes(app: FastifyInstance, deps: OpsRouteDeps): void {
  app.get('/readyz', async (_request, reply) => {
    const checks = { receiver: await deps.receiver.ping(), broker: deps.subscribed() };
    if (checks.receiver && checks.broker) return { status: 'ready', checks };
    const failing = Object.keys(checks).filter((name) => !checks[name as keyof typeof checks]);
    return reply.code(503).send(errorBody('NOT_READY', `not ready: ${failing.join(', ')} not available yet`, { checks }));
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(text);
  });

  let openapi: string | undefined;
  app.get('/openapi.json', async (_request, reply) => {
    openapi ??= JSON.stringify(buildOpenApiDocument('1'));
    return reply.type('application/json; charset=utf-8').send(openapi);
  });
}
