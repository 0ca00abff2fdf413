// Portkey's gateway (@portkey-ai/gateway, its own Node server build/start-server.js), in its own process.
// start-server.js takes --port=N and listens on every interface; this wrapper pins the listen to 127.0.0.1.
// Usage: tsx portkey-server.ts <port>  →  prints {"url"} when listening.
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) throw new Error('usage: portkey-server.ts <port>');
const listen = net.Server.prototype.listen as (this: net.Server, ...args: unknown[]) => net.Server;
net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
  this.once('listening', () => process.stderr.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`));
  if (typeof args[0] === 'number') return listen.call(this, args[0], '127.0.0.1', ...args.slice(1).filter((a) => typeof a === 'function'));
  if (args[0] && typeof args[0] === 'object') return listen.call(this, { ...(args[0] as object), host: '127.0.0.1' }, ...args.slice(1));
  return listen.apply(this, args);
} as typeof net.Server.prototype.listen;
process.argv = [process.argv[0] as string, 'start-server.js', `--port=${port}`, '--headless'];
process.env.NODE_ENV = 'production';
const pkg = createRequire(import.meta.url).resolve('@portkey-ai/gateway/package.json');
await import(pathToFileURL(path.join(path.dirname(pkg), 'build/start-server.js')).href);
