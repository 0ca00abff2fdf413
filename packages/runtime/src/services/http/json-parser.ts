// The only body parser of the HTTP services: UTF-8 JSON, rejecting invalid bytes and prototype poisoning.
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './errors.ts';

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;

const FORM = 'application/x-www-form-urlencoded';

/**
 * Replaces Fastify's parsers so only JSON (UTF-8) is accepted; anything else is a 415. `curl -d` labels
 * its body as a form by default, so a form-labelled body that is JSON is taken as JSON: the one-line curl
 * users try first works, and a real form body still gets a 415 saying what to send.
 */
export function registerJsonParser(app: FastifyInstance): void {
  // Fastify's own parser, used only after the bytes are known to be UTF-8: it already refuses `__proto__` keys.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser([FORM, 'application/json'], { parseAs: 'buffer' }, (request: FastifyRequest, body: Buffer, done) => {
    if ((request.headers['content-type'] ?? '').toLowerCase().startsWith(FORM) && !/^\s*[{[]/.test(body.toString('utf8', 0, 64))) {
      done(new HttpError('UNSUPPORTED_MEDIA_TYPE', 'form data is not supported; send a JSON object with "Content-Type: application/json"'), undefined);
      return;
    }
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
