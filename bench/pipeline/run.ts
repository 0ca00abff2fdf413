// The pipeline benchmark: the real `bot dev` (five processes) on a small bot, beside a bare node:http server.
// Run: npm run pipeline -w bench [-- --quick] [--only=bare,latency,throughput,reload]   (after `npm ci`, which builds the packages)
// Measures: the node:http ceiling, sustained end-to-end throughput (accepted → action done, no growing backlog),
// ?wait latency at a fixed 200 msg/s, cold start to ready, hot-reload time and idle RSS of the five processes.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { cpuMeter, f, load, runLoad, throughputStep } from './measure.ts';
import { GREET_ACTION, greetAction, writeBenchProject } from './project.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const BOT_BIN = path.join(REPO, 'packages/cli/bin/bot.js');
const BARE = fileURLToPath(new URL('./bare-server.ts', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));
const quick = process.argv.includes('--quick');
// --only=bare,latency,throughput,reload runs those parts alone; cold start and idle RSS always run (they are quick).
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const want = (part: 'bare' | 'latency' | 'throughput' | 'reload') => !only || only.includes(part);
const STEP_SECONDS = quick ? 3 : 5;
const RATES = [250, 500, 750, 1000, 1250, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 8000];

if (!existsSync(path.join(REPO, 'packages/cli/dist/cli.js'))) {
  console.error('packages/cli is not built: run `npm ci` (or `npx turbo run build`) first');
  process.exit(1);
}

// ---------- helpers ----------
function rssKb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Proportional set size: each shared page (the node binary, shared libraries) divided among the processes mapping it. */
function pssKb(pid: number): number {
  try {
    return Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** RSS of a bare `node` process that loads nothing: the floor any one Node process starts from on this machine. */
async function bareNodeRssKb(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await sleep(1500);
  const kb = rssKb(child.pid as number);
  child.kill();
  return kb;
}

interface Dev {
  child: ChildProcess;
  output: () => string;
  ready: Promise<number>;
  exited: Promise<number | null>;
}

function startDev(root: string, port: number): Dev {
  const spawned = performance.now();
  const child = spawn(process.execPath, [BOT_BIN, 'dev', '--port', String(port)], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let onReady: (ms: number) => void = () => {};
  const ready = new Promise<number>((resolve) => (onReady = resolve));
  const onData = (d: Buffer) => {
    output += d;
    if (output.includes('is running')) onReady(performance.now() - spawned);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, ready, exited };
}

async function stopDev(dev: Dev): Promise<void> {
  dev.child.kill('SIGINT');
  const timer = setTimeout(() => dev.child.kill('SIGKILL'), 10_000);
  await dev.exited;
  clearTimeout(timer);
}

async function waitReady(dev: Dev, timeoutMs = 30_000): Promise<number> {
  const ms = await Promise.race([dev.ready, sleep(timeoutMs).then(() => -1)]);
  if (ms < 0) throw new Error(`bot dev not ready in ${timeoutMs} ms:\n${dev.output()}`);
  return ms;
}

async function send(port: number, text = 'hello there', conversationId = 'c-probe'): Promise<{ status: number; reply?: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/v1/messages?wait=5000`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'u', text, conversationId }),
  });
  const body = (await res.json()) as { reply?: string };
  return { status: res.status, reply: body.reply };
}

async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

// ---------- machine ----------
const cpuModel = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
const machine = {
  nproc: execFileSync('nproc').toString().trim(),
  cpu: cpuModel.trim(),
  node: process.version,
  date: new Date().toISOString(),
  loadBefore: load(),
};
console.log(`machine: ${machine.nproc} cores, ${machine.cpu}, node ${machine.node}, ${machine.date}, load ${machine.loadBefore}`);

const results: Record<string, string> = {};

// ---------- 1. the ceiling: bare node:http ----------
if (want('bare')) {
  const bare = spawn(process.execPath, ['--import', 'tsx', BARE], { cwd: HERE, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = Number(await new Promise<string>((resolve) => bare.stdout.once('data', (d) => resolve(String(d).trim()))));
  const url = `http://127.0.0.1:${port}/v1/messages`;
  await runLoad({ url, mode: 'burst', count: 2000, concurrency: 32 });
  const burst = await runLoad({ url, mode: 'burst', count: quick ? 20_000 : 50_000, concurrency: 64 });
  const fixed = await runLoad({ url, mode: 'rate', rate: 200, seconds: quick ? 5 : 10 });
  bare.kill('SIGTERM');
  results.bareRate = f(burst.okPerSecond, 0);
  results.bareP50 = f(fixed.p50, 2);
  results.bareP99 = f(fixed.p99, 2);
  console.log(`bare node:http: ${f(burst.okPerSecond, 0)} req/s (burst, 64 in flight); at 200/s p50 ${f(fixed.p50, 2)} ms p99 ${f(fixed.p99, 2)} ms`);
}

// ---------- 2. bot dev: cold start ----------
const parent = mkdtempSync(path.join(tmpdir(), 'inputbot-pipeline-'));
const root = path.join(parent, 'bench-bot');
writeBenchProject(root);
const port = await freePort();
let dev = startDev(root, port);
const coldMs = await waitReady(dev);
const printed = (out: string) => Number(/ready in (\d+) ms/.exec(out)?.[1] ?? Number.NaN);
results.coldFresh = `${f(coldMs, 0)} (printed ${printed(dev.output())})`;
console.log(`cold start, fresh project (trains the model): ${f(coldMs, 0)} ms to the ready line; bot dev printed ${printed(dev.output())} ms`);
await stopDev(dev);
dev = startDev(root, port);
const warmMs = await waitReady(dev);
results.coldCached = `${f(warmMs, 0)} (printed ${printed(dev.output())})`;
console.log(`cold start, model cached in .bot/nlu: ${f(warmMs, 0)} ms to the ready line; bot dev printed ${printed(dev.output())} ms`);

try {
  const first = await send(port);
  if (first.reply !== 'Hello!') throw new Error(`unexpected first reply ${JSON.stringify(first)}\n${dev.output()}`);
  const state = JSON.parse(readFileSync(path.join(root, '.bot/dev.json'), 'utf8')) as { services: { name: string; pid: number }[] };
  const pids: Record<string, number> = { dev: dev.child.pid as number };
  for (const s of state.services) pids[s.name] = s.pid;
  const gateway = `http://127.0.0.1:${port}/v1/messages`;
  const cpu = cpuMeter(pids);
  const cpuSnapshot = cpu.snapshot;
  const cpuShare = cpu.share;

  // warm-up
  await runLoad({ url: `${gateway}?wait=5000`, mode: 'rate', rate: 100, seconds: 3 });

  // ---------- 3. idle RSS ----------
  await sleep(3000);
  const rss = Object.fromEntries(Object.entries(pids).map(([n, pid]) => [n, rssKb(pid) / 1024]));
  const rssTotal = Object.values(rss).reduce((a, b) => a + b, 0);
  results.rss = f(rssTotal, 0);
  console.log(
    `idle RSS: ${f(rssTotal, 0)} MB (${Object.entries(rss)
      .map(([n, mb]) => `${n} ${f(mb, 0)}`)
      .join(', ')})`,
  );
  // RSS counts the pages every Node process shares (the node binary's code) once per process; PSS splits them.
  const pssTotal = Object.values(pids).reduce((sum, pid) => sum + pssKb(pid), 0) / 1024;
  const bareNode = (await bareNodeRssKb()) / 1024;
  results.pss = f(pssTotal, 0);
  results.bareNodeRss = f(bareNode, 0);
  console.log(`idle PSS: ${f(pssTotal, 0)} MB; a bare \`node\` process that loads nothing: RSS ${f(bareNode, 0)} MB`);
  const idleCpu = cpuSnapshot();
  await sleep(2000);
  console.log(`idle CPU: ${cpuShare(idleCpu, 2)}`);

  // ---------- 4. ?wait latency at 200 msg/s ----------
  if (want('latency')) {
    const c0 = cpuSnapshot();
    const fixed = await runLoad({ url: `${gateway}?wait=5000`, mode: 'rate', rate: 200, seconds: quick ? 5 : 10 });
    results.p50 = f(fixed.p50, 2);
    results.p99 = f(fixed.p99, 2);
    console.log(
      `?wait at 200 msg/s: p50 ${f(fixed.p50, 2)} ms, p90 ${f(fixed.p90, 2)} ms, p99 ${f(fixed.p99, 2)} ms, max ${f(fixed.max, 1)} ms (${fixed.ok}/${fixed.sent} ok, ${JSON.stringify(fixed.statuses)}); CPU ${cpuShare(c0, fixed.seconds)}`,
    );
  }

  // ---------- 5. throughput: open loop at increasing rates, backlog watched in the store ----------
  if (want('throughput')) {
    const db = new Database(path.join(root, '.bot/state.db'), { readonly: true, fileMustExist: true });
    const backlogStmt = db.prepare("SELECT count(*) FROM store_messages WHERE status NOT IN ('completed', 'failed')").pluck();
    const doneStmt = db.prepare("SELECT count(*) FROM store_messages WHERE status IN ('completed', 'failed')").pluck();
    const backlog = () => backlogStmt.get() as number;
    const statusStmt = db.prepare('SELECT status, count(*) AS n FROM store_messages GROUP BY status');
    const broker = new Database(path.join(root, '.bot/broker.db'), { readonly: true, fileMustExist: true });
    const brokerStmt = broker.prepare(
      'SELECT g.topic, g.name, count(d.seq) AS held, coalesce(sum(d.leased), 0) AS leased, coalesce(max(d.attempts), 0) AS maxAttempts FROM broker_groups g LEFT JOIN broker_deliveries d ON d.grp = g.id GROUP BY g.id',
    );
    const diagnose = () => `store ${JSON.stringify(statusStmt.all())}, broker ${JSON.stringify(brokerStmt.all())}`;
    const done = () => doneStmt.get() as number;
    let best = 0;
    for (const rate of RATES) {
      const step = await throughputStep(gateway, rate, STEP_SECONDS, { backlog, done }, cpu);
      if (!step.drained) console.log(`  not drained after 20 s: ${diagnose()}`);
      console.log(step.line);
      if (step.sustained) {
        best = rate;
      } else break;
    }
    results.throughput = String(best);
    console.log(`highest sustained rate: ${best} msg/s`);

    // bounded burst: accepted as fast as the gateway takes them, then time until every action is done.
    {
      const count = quick ? 5000 : 20_000;
      const doneBefore = done();
      const c = cpuSnapshot();
      const t0 = performance.now();
      const result = await runLoad({ url: gateway, mode: 'burst', count, concurrency: 64, sockets: 64 });
      const acceptedAt = performance.now();
      while (done() - doneBefore < result.ok && performance.now() - acceptedAt < 120_000) await sleep(20);
      const totalSeconds = (performance.now() - t0) / 1000;
      if (backlog() > 0) console.log(`  after the burst: ${diagnose()}`);
      results.burst = `${f(result.okPerSecond, 0)} / ${f(result.ok / totalSeconds, 0)}`;
      console.log(
        `burst of ${count}: accepted ${f(result.okPerSecond, 0)}/s; all actions done after ${f(totalSeconds, 2)} s → ${f(result.ok / totalSeconds, 0)} msg/s end to end; CPU ${cpuShare(c, totalSeconds)}`,
      );
    }
    db.close();
    broker.close();
  }

  // ---------- 6. hot reload ----------
  if (want('reload')) {
    const reloads: number[] = [];
    const printedMs: number[] = [];
    for (let round = 1; round <= 3; round++) {
      const reply = `Hello, version ${round}!`;
      const before = dev.output().length;
      const t0 = performance.now();
      writeFileSync(path.join(root, GREET_ACTION), greetAction(reply));
      let got: string | undefined;
      while (performance.now() - t0 < 30_000) {
        got = (await send(port, 'hello there', `c-reload-${round}`)).reply;
        if (got === reply) break;
        await sleep(5);
      }
      if (got !== reply) throw new Error(`reload ${round} not seen in 30 s:\n${dev.output().slice(before)}`);
      reloads.push(performance.now() - t0);
      await sleep(1000);
      printedMs.push(Number(/reloaded executor in (\d+) ms/.exec(dev.output().slice(before))?.[1] ?? Number.NaN));
    }
    const median = [...reloads].sort((a, b) => a - b)[1] as number;
    results.reload = `${f(median, 0)} (printed ${printedMs[1]})`;
    console.log(`hot reload (save → new reply), 3 rounds: ${reloads.map((r) => f(r, 0)).join(', ')} ms; bot dev printed ${printedMs.join(', ')} ms`);
  }
} finally {
  await stopDev(dev);
  rmSync(parent, { recursive: true, force: true });
}

machine.loadBefore += ` → ${load()} after`;
console.log(`
| figure | target | inputbot | bare node:http |
| --- | --- | --- | --- |
| end-to-end throughput, sustained (msg/s) | ≥ 5,000 | ${results.throughput} | ${results.bareRate} (ceiling, accept only) |
| bounded burst: accepted / end to end (msg/s) | | ${results.burst} | |
| ?wait p50 / p99 at 200 msg/s (ms) | ≤ 3 / ≤ 10 | ${results.p50} / ${results.p99} | ${results.bareP50} / ${results.bareP99} |
| cold start to ready, fresh project (ms) | ≤ 2,000 | ${results.coldFresh} | |
| cold start to ready, model cached (ms) | ≤ 2,000 | ${results.coldCached} | |
| hot reload, save → new reply (ms, median of 3) | ≤ 500 | ${results.reload} | |
| idle RSS, five processes (MB) | ≤ 300 | ${results.rss} (PSS ${results.pss}) | bare \`node\`: ${results.bareNodeRss} per process |

machine: ${machine.nproc} cores, ${machine.cpu}, node ${machine.node}, ${machine.date}, load average ${machine.loadBefore}`);
