// Answers every failure of an HTTP service as `{error: {code, message}}`: ours, Fastify's, malformed HTTP and unknown routes.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { errorBody, HTTP_ERRORS, type HttpErrorCode } from './errors.ts';

/** Fastify's codes, mapped to ours with a message a client can act on. */
const FASTIFY_ERRORS: Record<string, { code: HttpErrorCode; message: (limit: number) => string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', message: () => 'send the body as JSON with "Content-Type: application/json"' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'BODY_TOO_LARGE', message: (limit) => `the request body is larger than ${limit} bytes; send less data` },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'INVALID_CONTENT_LENGTH', message: () => 'the Content-Length header does not match the body sent' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'INVALID_JSON', message: () => 'the request body is empty; send a JSON object' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'INVALID_JSON', message: () => 'the request body is not valid JSON; check its syntax' },
  FST_ERR_BAD_URL: { code: 'BAD_URL', message: () => 'the URL is not valid (bad percent-encoding?)' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'INVALID_REQUEST', message: () => 'a path parameter is too long; ids have at most 200 characters' },
  FST_ERR_ASYNC_CONSTRAINT: { code: 'BAD_URL', message: () => 'the request matched no route constraint' },
};

interface ClientFacingError {
  code?: string;
  statusCode?: number;
  message: string;
  details?: unknown;
}

/** Maps anything thrown to a status and body. Unknown errors become a 500 without their message or stack. */
export function toErrorReply(error: ClientFacingError, bodyLimit: number): { status: number; body: ReturnType<typeof errorBody> } {
  const mapped = error.code ? FASTIFY_ERRORS[error.code] : undefined;
  if (mapped) return { status: HTTP_ERRORS[mapped.code], body: errorBody(mapped.code, mapped.message(bodyLimit)) };
  if (error.code && error.code in HTTP_ERRORS) {
    return { status: HTTP_ERRORS[error.code as HttpErrorCode], body: errorBody(error.code, error.message, error.details) };
  }
  return { status: 500, body: errorBody('INTERNAL_ERROR', 'the service failed to handle the request; try again, and report it if it persists') };
}

/** Installs the error, not-found and framework-error handlers on `app`. */
export function registerErrorHandling(app: FastifyInstance, logger: Logger, bodyLimit: number): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, body } = toErrorReply(error, bodyLimit);
    if (status >= 500 && body.error.code === 'INTERNAL_ERROR') logger.error({ err: error, method: request.method, url: request.url }, 'request failed');
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody('ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}; see /openapi.json for the API`)),
  );
}

/** For Fastify's `frameworkErrors` option: errors raised before routing (bad URL, too-long parameter). */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toErrorReply(error, 0);
  void reply.code(status).send(body);
}

/** For Fastify's `clientErrorHandler` option: malformed HTTP never reaches a route, so the answer is written to the socket. */
export function clientErrorHandler(error: Error & { code?: string }, socket: import('node:net').Socket): void {
  if (!socket.writable) return;
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const body = JSON.stringify(
    tooLarge ? errorBody('HEADERS_TOO_LARGE', 'the request headers are too large') : errorBody('BAD_REQUEST', 'the request is not valid HTTP'),
  );
  socket.end(
    `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
