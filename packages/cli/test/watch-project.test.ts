// What `bot dev` reloads when a file changes, on a real folder watched by chokidar.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { type ReloadTarget, watchProject } from '../src/dev/watch-project.ts';

it('reloads nlp and the executor for any config file name the loader accepts, nlp alone for data, nothing for other files', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'inputbot-watch-'));
  await mkdir(path.join(root, 'data'));
  await writeFile(path.join(root, 'bot.config.mjs'), 'export default {}\n');
  const changes: { files: string[]; targets: ReloadTarget[] }[] = [];
  const watcher = watchProject(root, (files, targets) => changes.push({ files, targets: [...targets].sort() }));
  try {
    await watcher.ready;
    await writeFile(path.join(root, 'bot.config.mjs'), 'export default { name: "b" }\n');
    await expect.poll(() => changes, { timeout: 5000 }).toEqual([{ files: ['bot.config.mjs'], targets: ['executor', 'nlp'] }]);
    await writeFile(path.join(root, 'notes.md'), 'not part of the bot\n');
    await writeFile(path.join(root, 'data', 'greetings.yaml'), 'examples: []\n');
    await expect.poll(() => changes.length, { timeout: 5000 }).toBe(2);
    expect(changes[1]).toEqual({ files: [path.join('data', 'greetings.yaml')], targets: ['nlp'] });
  } finally {
    await watcher.close();
    await rm(root, { recursive: true, force: true });
  }
});
