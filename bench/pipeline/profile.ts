// Profiling aid (not a benchmark figure): bot dev on the bench project with --cpu-prof in every process,
// a fixed open-loop load, then a clean stop so each process writes its .cpuprofile into the given folder.
// Run: tsx pipeline/profile.ts <out-dir> [rate] [seconds]
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { writeBenchProject } from './project.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const out = path.resolve(process.argv[2] ?? 'profiles');
const rate = Number(process.argv[3] ?? 800);
const seconds = Number(process.argv[4] ?? 8);
const root = path.join(mkdtempSync(path.join(tmpdir(), 'inputbot-profile-')), 'bench-bot');
writeBenchProject(root);
const port = 20000 + Math.floor(Math.random() * 20000);
const dev = spawn(process.execPath, [path.join(REPO, 'packages/cli/bin/bot.js'), 'dev', '--port', String(port), '--no-watch'], {
  cwd: root,
  env: { ...process.env, NO_COLOR: '1', NODE_OPTIONS: `--require ${fileURLToPath(new URL('./profile-start.cjs', import.meta.url))}`, PROF_DIR: out },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let log = '';
dev.stdout.on('data', (d) => (log += d));
while (!log.includes('is running')) await sleep(50);
const load = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    fileURLToPath(new URL('./loadgen.ts', import.meta.url)),
    JSON.stringify({ url: `http://127.0.0.1:${port}/v1/messages`, mode: 'rate', rate, seconds }),
  ],
  { stdio: ['ignore', 'inherit', 'inherit'] },
);
await new Promise((resolve) => load.on('exit', resolve));
await sleep(1000);
dev.kill('SIGINT');
await new Promise((resolve) => dev.on('exit', resolve));
console.log(`profiles in ${out}`);
