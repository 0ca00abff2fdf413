// The copy of a project that bot dev keeps for restarts while a file is broken.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { lastGoodDir, saveLastGood } from '../src/dev/last-good.ts';

it("copies the project's sources, not its dependencies, state or history, replaces the last copy and clears half-made ones", async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'inputbot-last-good-'));
  try {
    const stateDir = path.join(root, '.bot');
    for (const dir of ['actions', 'lib/deep', 'node_modules/pkg', 'dist', '.git', '.bot/last-good-99-1'])
      await mkdir(path.join(root, dir), { recursive: true });
    await writeFile(path.join(root, 'bot.config.ts'), 'export default {};\n');
    await writeFile(path.join(root, 'actions/a.ts'), 'one\n');
    await writeFile(path.join(root, 'lib/deep/b.ts'), 'helper\n');
    await writeFile(path.join(root, 'node_modules/pkg/index.js'), '');
    await writeFile(path.join(root, '.env'), 'SECRET=1\n');

    expect(await saveLastGood(root, stateDir, Date.now())).toBe(true);
    await writeFile(path.join(root, 'actions/a.ts'), 'two\n');
    expect(await saveLastGood(root, stateDir, Date.now())).toBe(true);
    // A file saved after the check began: the copy could hold an edit nobody checked, so the last one stays.
    const checkedAt = Date.now() - 1000;
    expect(await saveLastGood(root, stateDir, checkedAt)).toBe(false);

    const copy = lastGoodDir(stateDir);
    expect((await readdir(copy)).sort()).toEqual(['actions', 'bot.config.ts', 'lib']);
    expect(await readFile(path.join(copy, 'actions/a.ts'), 'utf8')).toBe('two\n');
    expect(await readFile(path.join(copy, 'lib/deep/b.ts'), 'utf8')).toBe('helper\n');
    expect(await readdir(stateDir)).toEqual(['last-good']);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
