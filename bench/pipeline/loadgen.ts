// The load generator, in its own process: POSTs the same JSON body to one URL over keep-alive sockets, 127.0.0.1 only.
// Usage: tsx loadgen.ts '<json options>'  →  prints one JSON line of results on stdout.
//   mode "rate":  open loop at `rate` msg/s for `seconds` (latency counted from each request's scheduled time,
//                 so a server that falls behind shows it); `maxInFlight` bounds the queue, the rest count as `skipped`.
//   mode "burst": `count` messages with `concurrency` in flight, as fast as the server takes them.
import http from 'node:http';

interface Options {
  url: string;
  mode: 'rate' | 'burst';
  rate?: number;
  seconds?: number;
  count?: number;
  concurrency?: number;
  maxInFlight?: number;
  sockets?: number;
  /** Conversations the messages are spread over (the ordering key). */
  conversations?: number;
  text?: string;
}

const options = JSON.parse(process.argv[2] ?? '{}') as Options;
const url = new URL(options.url);
if (url.hostname !== '127.0.0.1') throw new Error('the load generator only talks to 127.0.0.1');
const agent = new http.Agent({ keepAlive: true, maxSockets: options.sockets ?? 32 });
const conversations = options.conversations ?? 500;
const path = `${url.pathname}${url.search}`;
const now = () => performance.now();

let inFlight = 0;
let ok = 0;
let errors = 0;
let otherStatus = 0;
const latencies: number[] = [];
const statuses: Record<string, number> = {};

function post(i: number, scheduled: number): Promise<void> {
  inFlight++;
  const body = JSON.stringify({ user: `u${i % conversations}`, text: options.text ?? 'hello there', conversationId: `c${i % conversations}` });
  return new Promise((resolve) => {
    const req = http.request(
      {
        agent,
        hostname: url.hostname,
        port: url.port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          inFlight--;
          const code = res.statusCode ?? 0;
          statuses[code] = (statuses[code] ?? 0) + 1;
          if (code === 200 || code === 202) {
            ok++;
            latencies.push(now() - scheduled);
          } else otherStatus++;
          resolve();
        });
      },
    );
    req.on('error', () => {
      inFlight--;
      errors++;
      resolve();
    });
    req.end(body);
  });
}

function pct(sorted: number[], p: number): number {
  return sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number) : Number.NaN;
}

const started = now();
let sent = 0;
let skipped = 0;
if (options.mode === 'rate') {
  const rate = options.rate ?? 200;
  const total = Math.round(rate * (options.seconds ?? 10));
  const maxInFlight = options.maxInFlight ?? 1000;
  const pending: Promise<void>[] = [];
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((now() - started) / 1000) * rate));
      while (sent + skipped < due) {
        const i = sent + skipped;
        // Request i is due once (i + 1) / rate seconds have passed.
        const scheduled = started + ((i + 1) / rate) * 1000;
        if (inFlight >= maxInFlight) skipped++;
        else {
          sent++;
          pending.push(post(i, scheduled));
        }
      }
      if (sent + skipped >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  await Promise.all(pending);
} else {
  const count = options.count ?? 10_000;
  const worker = async () => {
    while (sent < count) {
      const i = sent++;
      await post(i, now());
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 64 }, worker));
}
const elapsed = (now() - started) / 1000;
latencies.sort((a, b) => a - b);
agent.destroy();
console.log(
  JSON.stringify({
    sent,
    skipped,
    ok,
    errors,
    otherStatus,
    statuses,
    seconds: elapsed,
    okPerSecond: ok / elapsed,
    p50: pct(latencies, 50),
    p90: pct(latencies, 90),
    p99: pct(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
  }),
);
