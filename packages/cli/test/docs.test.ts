// docs/cli.md documents every problem code `bot check` can report.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PROBLEM_CODES } from '@inputbot/runtime/project';
import { expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/cli.ts';

it('lists every problem code in docs/cli.md', async () => {
  const doc = await readFile(path.join(REPO_ROOT, 'docs/cli.md'), 'utf8');
  const missing = Object.keys(PROBLEM_CODES).filter((code) => !doc.includes(`| \`${code}\` |`));
  expect(missing).toEqual([]);
});
