// The ceiling: a bare node:http server that reads the same POST, parses its JSON and answers 202 with a small JSON body.
// Usage: tsx bare-server.ts  →  prints the port on stdout.
import { randomUUID } from 'node:crypto';
import http from 'node:http';

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { conversationId?: string };
    const answer = JSON.stringify({ id: randomUUID(), traceId: randomUUID().replaceAll('-', ''), conversationId: body.conversationId ?? randomUUID() });
    res.writeHead(202, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(answer) });
    res.end(answer);
  });
});
server.keepAliveTimeout = 72_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(typeof address === 'object' && address ? address.port : 0);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
