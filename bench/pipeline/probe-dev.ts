// For the profiling aids (profile.ts, hops.ts, rss-probe.ts): the bench project in a temp folder, `bot dev` on it
// with extra environment, and a fixed-rate load from loadgen.ts.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { writeBenchProject } from './project.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface ProbeDev {
  root: string;
  port: number;
  child: ChildProcess;
  log: () => string;
  /** SIGINT, then resolves once bot dev has exited. */
  stop(): Promise<void>;
}

/** Resolves once `bot dev` says it is running. */
export async function startProbeDev(name: string, env: Record<string, string> = {}): Promise<ProbeDev> {
  const root = path.join(mkdtempSync(path.join(tmpdir(), `inputbot-${name}-`)), 'bench-bot');
  writeBenchProject(root);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [path.join(REPO, 'packages/cli/bin/bot.js'), 'dev', '--port', String(port), '--no-watch'], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  while (!log.includes('is running')) await sleep(20);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return {
    root,
    port,
    child,
    log: () => log,
    async stop() {
      child.kill('SIGINT');
      await exited;
    },
  };
}

/** An open-loop load of `rate` POSTs a second for `seconds` against the dev's gateway; resolves when it is done. */
export async function runProbeLoad(port: number, rate: number, seconds: number): Promise<void> {
  const options = { url: `http://127.0.0.1:${port}/v1/messages`, mode: 'rate', rate, seconds };
  const load = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./loadgen.ts', import.meta.url)), JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await new Promise((resolve) => load.on('exit', resolve));
}
