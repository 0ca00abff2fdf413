// What the pipeline benchmarks share (run.ts for bot dev, floor.ts for the bare architecture): the load generator
// in its own process, per-process CPU from /proc, the load average, and number formatting for the reports.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
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
