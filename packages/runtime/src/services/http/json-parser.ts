// The only body parser of the HTTP services: UTF-8 JSON, rejecting invalid bytes and prototype poisoning.
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './errors.ts';

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;

/** Replaces Fastify's parsers so only `application/json` (UTF-8) is accepted; anything else is a 415. */
export function registerJsonParser(app: FastifyInstance): void {
  // Fastify's own parser, used only after the bytes are known to be UTF-8: it already refuses `__proto__` keys.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request: FastifyRequest, body: Buffer, done) => {
    const charset = CHARSET.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset && charset !== 'utf-8' && charset !== 'utf8') {
      done(new HttpError('UNSUPPORTED_MEDIA_TYPE', `charset ${charset} is not supported; send the JSON body as UTF-8`), undefined);
      return;
    }
    if (body.length === 0) {
      done(new HttpError('INVALID_JSON', 'the request body is empty; send a JSON object'), undefined);
      return;
    }
    // Decoding with replacement characters would silently change the user's text, so invalid bytes are refused.
    if (!isUtf8(body)) {
      done(new HttpError('INVALID_UTF8', 'the request body is not valid UTF-8; encode the JSON body as UTF-8'), undefined);
      return;
    }
    parseJson(request, body.toString('utf8'), (error, value) => {
      if (!error) done(null, value);
      else if ((error as { code?: string }).code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.name === 'SyntaxError') {
        done(new HttpError('INVALID_JSON', 'the request body is not valid JSON (or uses a forbidden key such as "__proto__"); check its syntax'), undefined);
      } else done(error, undefined);
    });
  });
}
