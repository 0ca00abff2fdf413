// Profiling aid (not a benchmark figure): bot dev on the bench project with a CPU profiler preloaded into every
// process (profile-start.cjs), a fixed open-loop load, then a clean stop so each process writes its .cpuprofile.
// Run: tsx pipeline/profile.ts <out-dir> [rate] [seconds]
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { runProbeLoad, startProbeDev } from './probe-dev.ts';

const out = path.resolve(process.argv[2] ?? 'profiles');
const rate = Number(process.argv[3] ?? 800);
const seconds = Number(process.argv[4] ?? 8);
const preload = fileURLToPath(new URL('./profile-start.cjs', import.meta.url));
const dev = await startProbeDev('profile', { NODE_OPTIONS: `--require ${preload}`, PROF_DIR: out });
await runProbeLoad(dev.port, rate, seconds);
await sleep(1000);
await dev.stop();
console.log(`profiles in ${out}`);
