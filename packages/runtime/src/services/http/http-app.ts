// Creates the Fastify app of an HTTP service with the shared limits and error shape, and starts it listening.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { clientErrorHandler, frameworkErrors, registerErrorHandling } from './error-handler.ts';
import { registerJsonParser } from './json-parser.ts';

/** The default request body limit of the HTTP services. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

export interface HttpAppOptions {
  logger: Logger;
  /** Largest request body accepted, in bytes; larger ones get 413 BODY_TOO_LARGE. @default 65536 */
  bodyLimit?: number;
}

/** A Fastify app that accepts only UTF-8 JSON bodies and answers every error as `{error: {code, message}}`. */
export function createHttpApp(options: HttpAppOptions): FastifyInstance {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = Fastify({
    // Per-request logging would cost more than the request itself at tens of thousands a second; errors are logged by the handler.
    logger: false,
    bodyLimit,
    routerOptions: { maxParamLength: 256 },
    // Requests on open connections are served while closing (their state is closed only after the server), a drain rather than Fastify's own 503 body.
    return503OnClosing: false,
    frameworkErrors,
    clientErrorHandler,
  });
  registerJsonParser(app);
  registerErrorHandling(app, options.logger, bodyLimit);
  app.get('/healthz', async () => ({ status: 'ok' }));
  return app;
}

/** Starts `app` on `host:port` (port 0 picks a free one) and resolves the port it got. */
export async function listenHttpApp(app: FastifyInstance, options: { port?: number; host?: string }): Promise<number> {
  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the HTTP server has no TCP address');
  return address.port;
}
