// Cold start alone: spawn of `bot dev` to its `is running` line on the bench project, once fresh (trains the
// model) and then `--runs` times with the model cached in .bot/nlu, as run.ts measures it inside the full run.
// Run: flock /tmp/inputbot-bench.lock npx tsx bench/pipeline/cold-start.ts [--runs=3] [--no-watch]
// (with the file watcher by default, as run.ts starts it)
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { writeBenchProject } from './project.ts';

const BOT_BIN = fileURLToPath(new URL('../../packages/cli/bin/bot.js', import.meta.url));
const watch = process.argv.includes('--no-watch') ? ['--no-watch'] : [];
const runs = Number(/^--runs=(\d+)$/.exec(process.argv.find((a) => a.startsWith('--runs=')) ?? '')?.[1] ?? 3);

async function coldStart(root: string, port: number): Promise<{ ms: number; printed: number }> {
  const spawned = performance.now();
  const child = spawn(process.execPath, [BOT_BIN, 'dev', '--port', String(port), ...watch], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  let output = '';
  let ms = -1;
  const onData = (d: Buffer) => {
    output += d;
    if (ms < 0 && output.includes('is running')) ms = performance.now() - spawned;
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const deadline = Date.now() + 30_000;
  while (ms < 0 && Date.now() < deadline && child.exitCode === null) await sleep(5);
  child.kill('SIGINT');
  const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(killer);
  if (ms < 0) throw new Error(`bot dev was not ready:\n${output}`);
  return { ms, printed: Number(/ready in (\d+) ms/.exec(output)?.[1] ?? Number.NaN) };
}

const root = path.join(mkdtempSync(path.join(tmpdir(), 'inputbot-cold-')), 'bench-bot');
writeBenchProject(root);
const port = 20000 + Math.floor(Math.random() * 20000);
const fresh = await coldStart(root, port);
console.log(`fresh project (trains the model): ${Math.round(fresh.ms)} ms to the ready line (printed ${fresh.printed})`);
const cached: number[] = [];
for (let i = 0; i < runs; i++) {
  const run = await coldStart(root, port);
  cached.push(run.ms);
  console.log(`model cached, run ${i + 1}: ${Math.round(run.ms)} ms to the ready line (printed ${run.printed})`);
}
const sorted = [...cached].sort((a, b) => a - b);
console.log(`model cached: median ${Math.round(sorted[Math.floor(sorted.length / 2)] ?? Number.NaN)} ms of ${runs}`);
