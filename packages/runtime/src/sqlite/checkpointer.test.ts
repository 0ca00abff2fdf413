// External WAL checkpoints: a connection opened `external` leaves its WAL to another (checkpointing only past a
// 10,000-page backstop), and a checkpointer in the same process keeps that WAL small while writes go on.
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCheckpointer } from './checkpointer.ts';
import { openSqlite } from './open.ts';

const MB = 1024 * 1024;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'inputbot-checkpoint-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** 1,500 commits of a page each (about 6 MB of WAL frames), yielding now and then so timers run; the WAL's size after. */
async function writePages(file: string, walCheckpoints: 'auto' | 'external'): Promise<number> {
  const db = openSqlite(file, 10_000, walCheckpoints);
  db.exec('CREATE TABLE IF NOT EXISTS t (v BLOB)');
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  const page = Buffer.alloc(3000, 7);
  for (let i = 0; i < 1500; i++) {
    insert.run(page);
    if (i % 25 === 0) await sleep(2);
  }
  const size = statSync(`${file}-wal`).size;
  db.close();
  return size;
}

describe('startCheckpointer', () => {
  it('leaves the WAL of an `external` connection alone without one: past where SQLite would have checkpointed', async () => {
    // SQLite's own checkpoint starts at 1,000 pages (~4 MB), so the WAL of an `auto` connection stays near that.
    expect(await writePages(path.join(dir, 'auto.db'), 'auto')).toBeLessThan(4.5 * MB);
    expect(await writePages(path.join(dir, 'external.db'), 'external')).toBeGreaterThan(5 * MB);
  });

  it('keeps the WAL small by checkpointing from outside, and picks up a file created after it started', async () => {
    const file = path.join(dir, 'checked.db');
    const checkpointer = startCheckpointer([file], { intervalMs: 10 });
    try {
      expect(await writePages(file, 'external')).toBeLessThan(2 * MB);
    } finally {
      checkpointer.stop();
    }
  });
});
