// The ceiling: a bare pass-through proxy, in its own process. It reads the body, forwards it over a keep-alive
// node:http agent to the upstream and pipes the answer back: no parsing, no logging, no ledger. Its added latency is
// the floor of "one more HTTP hop on this machine" that any gateway pays.
// Usage: tsx bare-proxy.ts <upstream base url ending in /v1>  →  prints {"url"} when ready. Serves POST /v1/<path>.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const upstream = new URL(process.argv[2] ?? '');
if (upstream.hostname !== '127.0.0.1') throw new Error('usage: bare-proxy.ts http://127.0.0.1:<port>/v1');
// As many sockets as the load generator keeps requests in flight, kept open between requests.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const prefix = upstream.pathname.replace(/\/+$/, '');

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks);
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json', 'content-length': body.length };
    if (request.headers.authorization) headers.authorization = request.headers.authorization;
    const path = `${prefix}${(request.url ?? '/').replace(/^\/v1/, '')}`;
    const forward = http.request({ host: upstream.hostname, port: upstream.port, path, method: request.method, agent, headers }, (answer) => {
      const out: http.OutgoingHttpHeaders = { 'content-type': answer.headers['content-type'] ?? 'application/json' };
      if (answer.headers['content-length']) out['content-length'] = answer.headers['content-length'];
      response.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(response);
    });
    forward.on('error', (error) => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: error.message } }));
    });
    forward.end(body);
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
