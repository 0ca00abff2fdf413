import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.ts';
import { openSqlite, type SqliteDatabase } from './open.ts';

describe('GroupCommit', () => {
  let dir: string;
  let db: SqliteDatabase;
  let other: SqliteDatabase;
  // Another connection's data_version moves once per commit made by any other connection.
  const commitsSeen = () => other.pragma('data_version', { simple: true }) as number;
  const rows = () => other.prepare('SELECT v FROM t ORDER BY v').pluck().all();

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'group-commit-'));
    db = openSqlite(path.join(dir, 'g.db'));
    db.exec('CREATE TABLE t (v INTEGER PRIMARY KEY)');
    other = openSqlite(path.join(dir, 'g.db'));
  });

  afterEach(() => {
    db.close();
    other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits the writes queued in one turn together, and resolves each after the commit', async () => {
    const group = new GroupCommit(db);
    const before = commitsSeen();
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const written = [1, 2, 3].map((v) => group.write(() => insert.run(v).changes));
    expect(rows()).toEqual([]);
    expect(await Promise.all(written)).toEqual([1, 1, 1]);
    expect(rows()).toEqual([1, 2, 3]);
    expect(commitsSeen() - before).toBe(1);
  });

  it('rolls back and rejects a failing write alone; the others commit', async () => {
    const group = new GroupCommit(db);
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const results = await Promise.allSettled([
      group.write(() => insert.run(1)),
      group.write(() => {
        insert.run(2);
        insert.run(1); // duplicate key: this write's own insert of 2 must be undone too
      }),
      group.write(() => insert.run(3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(rows()).toEqual([1, 3]);
  });

  it('runs a single-statement write without a savepoint; its failure still leaves the others committed', async () => {
    const group = new GroupCommit(db);
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const results = await Promise.allSettled([
      group.write(() => insert.run(1), { single: true }),
      group.write(() => insert.run(1), { single: true }),
      group.write(() => insert.run(2), { single: true }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(rows()).toEqual([1, 2]);
  });

  it('commits writeNow at once, with the writes queued before it; later writes wait for the end of the turn', async () => {
    const group = new GroupCommit(db);
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const earlier = group.write(() => insert.run(1));
    const now = group.writeNow(() => insert.run(2));
    // Committed synchronously: no await, no microtask has run yet.
    expect(rows()).toEqual([1, 2]);
    const later = group.write(() => insert.run(3));
    expect(rows()).toEqual([1, 2]);
    await Promise.all([earlier, now, later]);
    expect(rows()).toEqual([1, 2, 3]);
  });

  it('commits on flush() what is queued, so closing loses nothing', async () => {
    const group = new GroupCommit(db);
    const written = group.write(() => db.prepare('INSERT INTO t VALUES (7)').run());
    group.flush();
    expect(rows()).toEqual([7]);
    await written;
  });
});
