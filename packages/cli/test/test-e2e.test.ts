// `bot test --e2e`: fixtures go through the running bot, so replies (the actions) are tested too.
import { appendFile, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runBot } from './helpers/cli.ts';

async function init(template: 'ops' | 'starter'): Promise<string> {
  const root = path.join(await mkdtemp(path.join(tmpdir(), 'inputbot-e2e-test-')), template);
  expect((await runBot(['init', root, '--yes', '--template', template])).exitCode).toBe(0);
  return root;
}

describe('bot test --e2e', () => {
  it.each(['ops', 'starter'] as const)('passes on the %s template, replies included', async (template) => {
    const root = await init(template);
    const run = await runBot(['test', root, '--e2e', '--json']);
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.failed).toBe(0);
    expect(report.cases).toBeGreaterThan(10);
    // The runtime ran on a temporary state folder: the project's own .bot has no broker of this run.
    expect(await readdir(root)).not.toContain('.bot');
  });

  it('passes on examples/ops-bot, as the README runs it', async () => {
    const run = await runBot(['test', 'examples/ops-bot', '--e2e', '--json'], { cwd: REPO_ROOT });
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ failed: 0, passed: true, cases: expect.any(Number) });
  });

  it('fails a fixture whose reply does not match, saying what came back', async () => {
    const root = await init('ops');
    await appendFile(
      path.join(root, 'fixtures/fixtures.yaml'),
      '\n- text: who is Grace Hopper\n  intent: lookup_employee\n  entities: { name: Grace Hopper }\n  reply: /^Nobody here/\n',
    );
    const run = await runBot(['test', root, '--e2e']);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('✖ "who is Grace Hopper"');
    expect(run.stdout).toMatch(/reply: expected to match "\/\^Nobody here\/", got "Grace Hopper/);
    expect(run.stdout).toMatch(/1 of 25 fixtures failed/);
  });
});
