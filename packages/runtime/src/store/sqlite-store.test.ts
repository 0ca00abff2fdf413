import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runStoreContract } from './contract.test-suite.ts';
import { createSqliteStore } from './sqlite-store.ts';

runStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'store-'));
  return {
    open: async () => createSqliteStore({ path: join(dir, '.bot', 'state.db') }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const childScript = fileURLToPath(new URL('./fixtures/claim-child.ts', import.meta.url));

describe('sqlite store across processes', () => {
  it('gives each idempotency key to exactly one of two processes claiming at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-proc-'));
    const path = join(dir, '.bot', 'state.db');
    try {
      await createSqliteStore({ path }).close();
      const count = 500;
      const claim = () => run(process.execPath, ['--import', 'tsx', childScript, path, String(count)], { cwd: repoRoot });
      const [a, b] = await Promise.all([claim(), claim()]);
      const wonA: string[] = JSON.parse(a.stdout);
      const wonB: string[] = JSON.parse(b.stdout);
      expect(wonA.length + wonB.length).toBe(count);
      expect(new Set([...wonA, ...wonB]).size).toBe(count);
      const store = createSqliteStore({ path });
      expect(await store.claim('key-0')).toMatchObject({ status: 'duplicate', state: 'completed' });
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
