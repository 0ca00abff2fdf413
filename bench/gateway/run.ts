// LLM gateway benchmark: direct calls to a zero-delay fake OpenAI vs the same calls through a bare pass-through proxy
// (the ceiling: one more HTTP hop and nothing else), inputbot's gateway (/llm/v1, usage ledger on) and Portkey's gateway
// (@portkey-ai/gateway), non-streaming chat completions. Every server and each load run is its own process; 127.0.0.1 only.
// Usage: npm run gateway -w bench [-- --count=2000 --seconds=10 --warmup=300 --cpu-prof --paths=bare,inputbot]
//   --cpu-prof writes a V8 CPU profile of inputbot's gateway process to bench/gateway/.prof/.
//   --paths measures only these paths besides direct (bare, inputbot, portkey), for quicker comparisons while tuning.
// The "CPU µs/call" column is the server process's user + system time over the cell (warm-up included) divided by the
// calls of the cell, read from /proc (Linux; "—" elsewhere): on a shared 2-core machine it is steadier than latency.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const tsx = path.join(here, '../../node_modules/.bin/tsx');
const flag = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const count = flag('count', 2000);
const seconds = flag('seconds', 10);
const warmup = flag('warmup', 300);
const profile = process.argv.includes('--cpu-prof');
const paths = process.argv
  .find((a) => a.startsWith('--paths='))
  ?.split('=')[1]
  ?.split(',') ?? ['bare', 'inputbot', 'portkey'];
const children: ChildProcess[] = [];
/** The process serving each started URL (tsx's own process: the server is that process or its child). */
const servers = new Map<string, number>();

/** Starts `script` under tsx and resolves with the {"url"} JSON line it prints (stdout or stderr) when ready. */
function startServer(script: string, args: string[], nodeArgs: string[] = []): Promise<string> {
  const child = spawn(tsx, [...nodeArgs, path.join(here, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let seen = '';
    const look = (chunk: Buffer) => {
      seen += chunk.toString();
      const line = seen.split('\n').find((l) => l.startsWith('{"url"'));
      if (!line) return;
      const { url } = JSON.parse(line) as { url: string };
      if (child.pid) servers.set(url, child.pid);
      resolve(url);
    };
    child.stdout?.on('data', look);
    child.stderr?.on('data', look);
    child.on('exit', (code) => reject(new Error(`${script} exited (${code}) before it was ready:\n${seen.slice(-2000)}`)));
  });
}

/** CPU time (user + system, in clock ticks of 10 ms) of `pid` and its children, or undefined without /proc. */
function cpuTicks(pid: number): number | undefined {
  const stat = (file: string) => {
    // Fields after the command name: state is [0], ppid [1], utime [11], stime [12].
    const fields = readFileSync(file, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  };
  try {
    let ticks = stat(`/proc/${pid}/stat`).ticks;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry) || Number(entry) === pid) continue;
      try {
        const other = stat(`/proc/${entry}/stat`);
        if (other.ppid === pid) ticks += other.ticks;
      } catch {}
    }
    return ticks;
  } catch {
    return undefined;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Result {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

function load(url: string, headers: Record<string, string>, concurrency: number): Promise<Result> {
  const options = {
    url,
    headers,
    concurrency,
    count,
    seconds,
    warmup,
    body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello to the benchmark.' }] },
  };
  const child = spawn(tsx, [path.join(here, 'loadgen.ts'), JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Result) : reject(new Error(`loadgen failed (${code}) on ${url}`)))),
  );
}

try {
  const upstream = await startServer('upstream.ts', []);
  const profDir = path.join(here, '.prof');
  if (profile) mkdirSync(profDir, { recursive: true });
  const targets: Array<{ name: string; url: string; headers: Record<string, string> }> = [
    { name: 'direct (fake upstream)', url: `${upstream}/chat/completions`, headers: { authorization: 'Bearer bench' } },
  ];
  if (paths.includes('bare')) {
    const bare = await startServer('bare-proxy.ts', [upstream]);
    targets.push({ name: 'bare proxy (ceiling)', url: `${bare}/v1/chat/completions`, headers: { authorization: 'Bearer bench' } });
  }
  if (paths.includes('bare-http')) {
    const bare = await startServer('bare-proxy.ts', [upstream, 'http']);
    targets.push({ name: 'bare proxy, node:http client', url: `${bare}/v1/chat/completions`, headers: { authorization: 'Bearer bench' } });
  }
  if (paths.includes('inputbot')) {
    const inputbot = await startServer('inputbot-server.ts', [upstream], profile ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []);
    targets.push({ name: 'inputbot gateway', url: `${inputbot}/llm/v1/chat/completions`, headers: {} });
  }
  if (paths.includes('inputbot-auto')) {
    const inputbot = await startServer('inputbot-server.ts', [upstream, 'auto']);
    targets.push({ name: 'inputbot gateway, own WAL checkpoints', url: `${inputbot}/llm/v1/chat/completions`, headers: {} });
  }
  if (paths.includes('portkey')) {
    const portkey = await startServer('portkey-server.ts', [String(await freePort())]);
    targets.push({
      name: 'Portkey 1.15.2',
      url: `${portkey}/v1/chat/completions`,
      headers: { authorization: 'Bearer bench', 'x-portkey-provider': 'openai', 'x-portkey-custom-host': upstream },
    });
  }
  console.log(`count ≤ ${count} or ≤ ${seconds} s per cell after ${warmup} warm-up requests; non-streaming; keep-alive node:http client\n`);
  const rows: string[] = [];
  for (const concurrency of [1, 10]) {
    let direct: Result | undefined;
    for (const target of targets) {
      const pid = [...servers].find(([url]) => target.url.startsWith(url))?.[1];
      const before = pid === undefined ? undefined : cpuTicks(pid);
      const r = await load(target.url, target.headers, concurrency);
      const after = pid === undefined ? undefined : cpuTicks(pid);
      const cpu = before === undefined || after === undefined ? '—' : (((after - before) * 10_000) / (r.requests + warmup)).toFixed(0);
      direct ??= r;
      const added = (x: number, y: number) => (target === targets[0] ? '—' : `+${(x - y).toFixed(2)}`);
      rows.push(
        `| ${concurrency} | ${target.name} | ${r.requests} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${added(r.p50, direct.p50)} | ${added(r.p99, direct.p99)} | ${Math.round(r.rps).toLocaleString('en')} | ${cpu} |`,
      );
      console.error(rows.at(-1));
    }
  }
  console.log('| connections | path | requests | p50 ms | p99 ms | added p50 ms | added p99 ms | req/s | CPU µs/call |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
} finally {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.on('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 5000).unref();
        }),
    ),
  );
}
