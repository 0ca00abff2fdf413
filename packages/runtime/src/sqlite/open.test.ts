// openSqlite's lock wait: a write waits for another connection's lock (polling, not SQLite's ms sleeps) and fails with SQLITE_BUSY past the timeout.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from './open.ts';

let dir: string;
let file: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'inputbot-open-'));
  file = path.join(dir, 'lock.db');
  const db = openSqlite(file);
  db.exec('CREATE TABLE t (v INTEGER)');
  db.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Holds the write lock from another thread (another connection) for `ms`; resolves once it holds it. */
function holdLock(ms: number): Promise<Worker> {
  const worker = new Worker(
    `const Database = require('better-sqlite3');
     const { workerData, parentPort } = require('node:worker_threads');
     const db = new Database(workerData.file);
     db.exec('BEGIN IMMEDIATE');
     db.exec('INSERT INTO t VALUES (1)');
     parentPort.postMessage('held');
     Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.ms);
     db.exec('COMMIT');
     db.close();`,
    { eval: true, workerData: { file, ms } },
  );
  return new Promise((resolve, reject) => {
    worker.once('message', () => resolve(worker));
    worker.once('error', reject);
  });
}

describe('openSqlite', () => {
  it('waits for a lock another connection holds, then writes', async () => {
    const db = openSqlite(file, 5_000);
    const worker = await holdLock(100);
    const started = performance.now();
    db.prepare('INSERT INTO t VALUES (2)').run();
    expect(performance.now() - started).toBeGreaterThan(50);
    expect(db.transaction(() => db.prepare('SELECT count(*) FROM t WHERE v = 1').pluck().get()).immediate()).toBe(1);
    await worker.terminate();
    db.close();
  });

  it('fails with SQLITE_BUSY once the lock is held past busyTimeoutMs', async () => {
    const db = openSqlite(file, 50);
    const worker = await holdLock(1_000);
    const started = performance.now();
    expect(() => db.transaction(() => db.prepare('INSERT INTO t VALUES (3)').run()).immediate()).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
    expect(performance.now() - started).toBeLessThan(500);
    await new Promise((resolve) => worker.once('exit', resolve));
    db.close();
  });
});
