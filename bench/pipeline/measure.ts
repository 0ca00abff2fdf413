// What the pipeline benchmarks share (run.ts for bot dev, floor.ts for the bare architecture): the load generator
// in its own process, per-process CPU from /proc, the load average, and number formatting for the reports.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const LOADGEN = fileURLToPath(new URL('./loadgen.ts', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));

/** What loadgen.ts prints: counts, the rate it got through, and latencies (ms) from each request's scheduled time. */
export type LoadResult = {
  sent: number;
  skipped: number;
  ok: number;
  errors: number;
  otherStatus: number;
  statuses: Record<string, number>;
  seconds: number;
  okPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
};

/** Runs loadgen.ts with `options` (see its header) and resolves with its result; killed after two minutes. */
export function runLoad(options: Record<string, unknown>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', LOADGEN, JSON.stringify(options)], { cwd: HERE, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', (code) => {
      clearTimeout(killer);
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').at(-1) as string));
      else reject(new Error(`load generator exited with ${code}`));
    });
  });
}

/** CPU ticks (user+system) of a process, from /proc/<pid>/stat. */
export function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** Clock ticks a second, the unit of cpuTicks. */
export const TICK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** The load average, as `uptime` prints it. */
export const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** A figure for a report: `digits` decimals, or – when there is none. */
export const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

/** Per-process CPU over a stretch of time: take a snapshot, then print each process's share of a core since it. */
export function cpuMeter(pids: Record<string, number>) {
  const snapshot = () => Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuTicks(pid)]));
  const share = (before: Record<string, number>, seconds: number) =>
    Object.entries(snapshot())
      .map(([name, ticks]) => `${name} ${f(((ticks - (before[name] ?? 0)) / TICK / seconds) * 100, 0)}%`)
      .join(', ');
  return { snapshot, share };
}

/** How far the pipeline is: messages accepted but not finished, and messages finished, read from its state. */
export interface Progress {
  backlog(): number;
  done(): number;
}

/**
 * One step of the throughput ramp: an open loop at `rate` msg/s for `seconds`, then a wait (up to 20 s) for the
 * backlog to drain. Sustained: the gateway took ≥ 95 % of the rate on schedule with no error, and the backlog (sampled
 * every 250 ms) neither grew over the second half of the step nor ended above a quarter second of work.
 */
export async function throughputStep(
  url: string,
  rate: number,
  seconds: number,
  progress: Progress,
  cpu: ReturnType<typeof cpuMeter>,
): Promise<{ sustained: boolean; drained: boolean; line: string }> {
  const doneBefore = progress.done();
  const samples: number[] = [];
  const before = cpu.snapshot();
  const t0 = performance.now();
  const sampler = setInterval(() => samples.push(progress.backlog()), 250);
  const result = await runLoad({ url, mode: 'rate', rate, seconds, maxInFlight: 512, sockets: 64 });
  clearInterval(sampler);
  const sendSeconds = (performance.now() - t0) / 1000;
  const cpuLine = cpu.share(before, sendSeconds);
  const completedDuring = progress.done() - doneBefore;
  const endBacklog = progress.backlog();
  const half = samples.slice(Math.floor(samples.length / 2));
  const growing = half.length > 1 && (half.at(-1) as number) > (half[0] as number) + rate * 0.1;
  const drainStart = performance.now();
  while (progress.backlog() > 0 && performance.now() - drainStart < 20_000) await sleep(50);
  const drainMs = performance.now() - drainStart;
  const kept = result.skipped === 0 && result.okPerSecond >= rate * 0.95 && result.errors + result.otherStatus === 0;
  const sustained = kept && !growing && endBacklog <= Math.max(50, rate * 0.25);
  const line = `${rate}/s offered: accepted ${f(result.okPerSecond, 0)}/s (p50 ${f(result.p50, 1)} ms, p99 ${f(result.p99, 1)} ms, skipped ${result.skipped}), completed during ${f(completedDuring / sendSeconds, 0)}/s, backlog at end ${endBacklog} (drained in ${f(drainMs, 0)} ms) → ${sustained ? 'sustained' : 'NOT sustained'}; CPU ${cpuLine}`;
  return { sustained, drained: progress.backlog() === 0, line };
}
