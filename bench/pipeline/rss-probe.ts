// Profiling aid: idle RSS of every bot dev process after a short load, with the NODE_OPTIONS given in $PROBE_NODE_OPTIONS.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { writeBenchProject } from './project.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const root = path.join(mkdtempSync(path.join(tmpdir(), 'inputbot-rss-')), 'bench-bot');
writeBenchProject(root);
const port = 20000 + Math.floor(Math.random() * 20000);
const t0 = performance.now();
const dev = spawn(process.execPath, [path.join(REPO, 'packages/cli/bin/bot.js'), 'dev', '--port', String(port), '--no-watch'], {
  cwd: root,
  env: { ...process.env, NO_COLOR: '1', NODE_OPTIONS: process.env.PROBE_NODE_OPTIONS ?? '' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let log = '';
dev.stdout.on('data', (d) => (log += d));
while (!log.includes('is running')) await sleep(20);
console.log(`ready ${Math.round(performance.now() - t0)} ms (${/ready in (\d+) ms/.exec(log)?.[1]} printed)`);
const load = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    fileURLToPath(new URL('./loadgen.ts', import.meta.url)),
    JSON.stringify({ url: `http://127.0.0.1:${port}/v1/messages`, mode: 'rate', rate: 1000, seconds: 3 }),
  ],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
await new Promise((resolve) => load.on('exit', resolve));
await sleep(3000);
const state = JSON.parse(readFileSync(path.join(root, '.bot/dev.json'), 'utf8')) as { services: { name: string; pid: number }[] };
const rss = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const all = [{ name: 'dev', pid: dev.pid as number }, ...state.services];
console.log(all.map((s) => `${s.name} ${Math.round(rss(s.pid))}`).join(', '), '→', Math.round(all.reduce((a, s) => a + rss(s.pid), 0)), 'MB');
dev.kill('SIGINT');
await new Promise((resolve) => dev.on('exit', resolve));
