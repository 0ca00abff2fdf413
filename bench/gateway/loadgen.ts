// The load generator, in its own process: POSTs one chat completion body to one URL with `concurrency` requests in
// flight (closed loop) over node:http keep-alive sockets, 127.0.0.1 only, after `warmup` unmeasured requests.
// Stops after `count` requests or `seconds`, whichever comes first.
// Usage: tsx loadgen.ts '<json options>'  →  prints one JSON line of results on stdout.
import http from 'node:http';

interface Options {
  url: string;
  headers?: Record<string, string>;
  body: unknown;
  concurrency: number;
  count: number;
  seconds: number;
  warmup: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as Options;
const url = new URL(options.url);
if (url.hostname !== '127.0.0.1') throw new Error('the load generator only talks to 127.0.0.1');
const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
const payload = Buffer.from(JSON.stringify(options.body));
const headers = { 'content-type': 'application/json', 'content-length': String(payload.length), ...options.headers };

function post(): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port: url.port, path: url.pathname, method: 'POST', agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        if (response.statusCode !== 200) return reject(new Error(`${response.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 300)}`));
        // Every answer must be a real completion, so a gateway cannot win by answering something else.
        const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { choices?: Array<{ message?: { content?: string } }> };
        if (!json.choices?.[0]?.message?.content) return reject(new Error('answer without choices[0].message.content'));
        resolve(response.statusCode);
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(payload);
  });
}

async function run(total: number, deadline: number, latencies: number[] | undefined): Promise<void> {
  let issued = 0;
  const worker = async () => {
    while (issued < total && performance.now() < deadline) {
      issued++;
      const start = performance.now();
      await post();
      latencies?.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
}

await run(options.warmup, Number.POSITIVE_INFINITY, undefined);
const latencies: number[] = [];
const start = performance.now();
await run(options.count, start + options.seconds * 1000, latencies);
const elapsed = (performance.now() - start) / 1000;
latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
const result = { requests: latencies.length, seconds: elapsed, rps: latencies.length / elapsed, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
process.stdout.write(`${JSON.stringify(result)}\n`);
agent.destroy();
