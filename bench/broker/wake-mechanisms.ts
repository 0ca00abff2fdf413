// Compares ways for one process to notice another's SQLite commit: PRAGMA data_version polling at several intervals vs fs.watch.
// Run: node_modules/.bin/tsx bench/broker/wake-mechanisms.ts
// A writer child commits a timestamp every 5 ms; this process reports detection latency p50/p99 and its idle CPU per mechanism.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

if (process.argv[2] === 'writer') {
  const db = new Database(process.argv[3] as string);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const insert = db.prepare('INSERT INTO t (at) VALUES (?)');
  setInterval(() => insert.run(now()), 5);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'bench-wake-'));
  const path = join(dir, 'wake.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, at REAL)');
  const latest = db.prepare('SELECT at FROM t ORDER BY id DESC LIMIT 1').pluck();
  const version = () => db.pragma('data_version', { simple: true }) as number;

  const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.floor((p / 100) * values.length)] ?? Number.NaN;

  async function measure(label: string, start: (onChange: () => void) => () => void): Promise<void> {
    // Idle cost first, with no writer.
    let stop = start(() => {});
    const idleStart = process.cpuUsage();
    await sleep(2000);
    const idle = process.cpuUsage(idleStart);
    stop();
    const latencies: number[] = [];
    let seen = version();
    stop = start(() => {
      const v = version();
      if (v === seen) return;
      seen = v;
      latencies.push(now() - (latest.get() as number));
    });
    const writer = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, 'writer', path], { stdio: 'inherit' });
    await sleep(3000);
    writer.kill('SIGKILL');
    stop();
    const cpu = (((idle.user + idle.system) / 1000 / 2000) * 100).toFixed(2);
    console.log(
      `${label.padEnd(22)} latency p50 ${pct(latencies, 50).toFixed(2)} ms, p99 ${pct(latencies, 99).toFixed(2)} ms (${latencies.length} commits seen); idle CPU ${cpu} %`,
    );
  }

  const poll = (ms: number) => (onChange: () => void) => {
    const timer = setInterval(onChange, ms);
    return () => clearInterval(timer);
  };
  const watchWal = (onChange: () => void) => {
    const wal = `${basename(path)}-wal`;
    const watcher = watch(dirname(path), (_event, file) => file === wal && onChange());
    const fallback = setInterval(onChange, 100);
    return () => {
      watcher.close();
      clearInterval(fallback);
    };
  };

  await measure('poll data_version 1ms', poll(1));
  await measure('poll data_version 2ms', poll(2));
  await measure('poll data_version 5ms', poll(5));
  await measure('fs.watch dir + 100ms', watchWal);
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
