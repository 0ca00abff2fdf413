// Profiling aid: idle RSS of every bot dev process after a short load, with the NODE_OPTIONS given in $PROBE_NODE_OPTIONS.
// Run: tsx pipeline/rss-probe.ts
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runProbeLoad, startProbeDev } from './probe-dev.ts';

const t0 = performance.now();
const dev = await startProbeDev('rss', { NODE_OPTIONS: process.env.PROBE_NODE_OPTIONS ?? '' });
console.log(`ready ${Math.round(performance.now() - t0)} ms (${/ready in (\d+) ms/.exec(dev.log())?.[1]} printed)`);
await runProbeLoad(dev.port, 1000, 3);
await sleep(3000);
const state = JSON.parse(readFileSync(path.join(dev.root, '.bot/dev.json'), 'utf8')) as { services: { name: string; pid: number }[] };
const rss = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const all = [{ name: 'dev', pid: dev.child.pid as number }, ...state.services];
console.log(all.map((s) => `${s.name} ${Math.round(rss(s.pid))}`).join(', '), '→', Math.round(all.reduce((a, s) => a + rss(s.pid), 0)), 'MB');
await dev.stop();
