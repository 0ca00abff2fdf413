// The ceiling: a bare pass-through proxy, in its own process. It reads the body, forwards it over keep-alive connections
// to the upstream and pipes the answer back: no parsing, no logging, no ledger. Its added latency is the floor of "one
// more HTTP hop on this machine" that any gateway pays.
// The upstream client is undici's Pool (what inputbot's gateway uses), or with `http` as the second argument node:http's
// keep-alive Agent, which costs more CPU per call on this machine.
// Usage: tsx bare-proxy.ts <upstream base url ending in /v1> [undici|http]  →  prints {"url"} when ready. Serves POST /v1/<path>.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

const upstream = new URL(process.argv[2] ?? '');
if (upstream.hostname !== '127.0.0.1') throw new Error('usage: bare-proxy.ts http://127.0.0.1:<port>/v1 [undici|http]');
const client = process.argv[3] ?? 'undici';
const prefix = upstream.pathname.replace(/\/+$/, '');
// As many sockets as the load generator keeps requests in flight, kept open between requests.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const pool = new Pool(upstream.origin);

type Forward = (path: string, headers: Record<string, string>, body: Buffer, response: http.ServerResponse) => void;

const fail = (response: http.ServerResponse, error: Error) => {
  if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ error: { message: error.message } }));
};

const viaHttp: Forward = (path, headers, body, response) => {
  const forward = http.request({ host: upstream.hostname, port: upstream.port, path, method: 'POST', agent, headers }, (answer) => {
    const out: http.OutgoingHttpHeaders = { 'content-type': answer.headers['content-type'] ?? 'application/json' };
    if (answer.headers['content-length']) out['content-length'] = answer.headers['content-length'];
    response.writeHead(answer.statusCode ?? 502, out);
    answer.pipe(response);
  });
  forward.on('error', (error) => fail(response, error));
  forward.end(body);
};

const viaUndici: Forward = (path, headers, body, response) => {
  pool.request({ path, method: 'POST', headers, body }).then(
    (answer) => {
      const out: http.OutgoingHttpHeaders = { 'content-type': String(answer.headers['content-type'] ?? 'application/json') };
      if (answer.headers['content-length']) out['content-length'] = String(answer.headers['content-length']);
      response.writeHead(answer.statusCode, out);
      answer.body.pipe(response);
    },
    (error: Error) => fail(response, error),
  );
};

const forward = client === 'http' ? viaHttp : viaUndici;
const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(body.length) };
    if (request.headers.authorization) headers.authorization = request.headers.authorization;
    forward(`${prefix}${(request.url ?? '/').replace(/^\/v1/, '')}`, headers, body, response);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
