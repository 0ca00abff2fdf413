// `bot test` end to end: the real CLI trains the real engine on a project and scores its fixtures.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBot, writeProject } from './helpers/cli.ts';

const files: Record<string, string> = {
  'bot.config.ts': `import { defineBot } from '@inputbot/runtime';\nexport default defineBot({ name: 'shop-bot' });\n`,
  'intents/track-order.ts': `import { defineIntent, z } from '@inputbot/runtime';
export default defineIntent({
  name: 'track_order',
  examples: [
    'where is order [A-1001](order_id)',
    'track order [B-2002](order_id) please',
    'has my order [C-3003](order_id) shipped yet',
    'status of order [D-4004](order_id)',
    'when will order [E-5005](order_id) arrive',
    'i want to know where my package [F-6006](order_id) is',
    'can you track [G-7007](order_id) for me',
    'my order [H-8008](order_id) has not arrived',
  ],
  entities: z.object({ order_id: z.string() }),
});
`,
  'intents/greet.ts': `import { defineIntent } from '@inputbot/runtime';
export default defineIntent({ name: 'greet', examples: ['hi', 'hello there', 'good morning', 'hey', 'hiya', 'good evening', 'hello bot', 'greetings'] });
`,
  'intents/refund.ts': `import { defineIntent } from '@inputbot/runtime';
export default defineIntent({ name: 'refund', examples: ['i want my money back', 'refund my purchase', 'can i get a refund', 'give me a refund please', 'return this item for a refund', 'how do i get reimbursed', 'money back please', 'i would like a refund'] });
`,
  'data/none.yaml': `- intent: none
  examples:
    - what is the weather like
    - tell me a joke
    - who won the football game
    - what is the capital of france
    - play some music
    - how tall is mount everest
    - translate hello into spanish
    - what is two plus two
`,
  'fixtures/shop.yaml': `- text: where is my order Z-42
  intent: track_order
  entities: { order_id: Z-42 }
- text: hello
  intent: greet
- text: i want a refund
  intent: refund
- text: tell me a funny joke
  intent: none
`,
};

describe('bot test', () => {
  it('prints the report and exits 0 when every fixture passes', async () => {
    const root = await writeProject(files);
    const run = await runBot(['test', root]);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/Intents\s+accuracy 100\.0%\s+in-scope 100\.0%\s+macro-F1 1\.00\s+\(4 cases\)/);
    expect(run.stdout).toMatch(/Out of scope\s+recall 100\.0%\s+precision 100\.0%\s+\(1 cases\)/);
    expect(run.stdout).toMatch(/Entities\s+precision 1\.00\s+recall 1\.00\s+F1 1\.00/);
    expect(run.stdout).toContain('Per intent (worst first)');
    expect(run.stdout).toContain('✔ 4 of 4 fixtures passed');
  });

  it('exits 1 on a mislabelled fixture and lists it among the failures', async () => {
    const root = await writeProject({
      ...files,
      'fixtures/wrong.jsonl': '{"text": "where is order Q-1", "intent": "refund"}\n',
    });
    const run = await runBot(['test', root]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('Failures (1)');
    expect(run.stdout).toMatch(/✖ "where is order Q-1" fixtures\/wrong\.jsonl:1\n\s+expected refund, got track_order \(\d\.\d\d\)/);
    expect(run.stdout).toMatch(/refund → track_order\s+1/);
    expect(run.stdout).toContain('✖ 1 of 5 fixtures failed');
  });

  it('prints one JSON object with --json and writes JUnit with --junit', async () => {
    const root = await writeProject({ ...files, 'fixtures/wrong.jsonl': '{"text": "where is order Q-1", "intent": "refund"}\n' });
    const junit = path.join(root, 'reports/junit.xml');
    const run = await runBot(['test', root, '--json', '--junit', junit]);
    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      cases: 5,
      failed: 1,
      passed: false,
      intent: { accuracy: 0.8, inScopeAccuracy: 0.75 },
      outOfScope: { recall: 1, precision: 1, support: 1 },
      entities: { precision: 1, recall: 1, f1: 1 },
    });
    expect(report.intent.macroF1).toBeGreaterThan(0);
    expect(report.intent.perIntent.map((r: { intent: string }) => r.intent)).toEqual(expect.arrayContaining(['greet', 'none', 'refund', 'track_order']));
    expect(report.entities.perEntity).toEqual([{ entity: 'order_id', precision: 1, recall: 1, f1: 1, support: 1 }]);
    expect(report.latency.p50Ms).toBeGreaterThanOrEqual(0);
    expect(report.latency.p95Ms).toBeGreaterThanOrEqual(report.latency.p50Ms);
    expect(report.failures).toEqual([
      expect.objectContaining({ text: 'where is order Q-1', file: 'fixtures/wrong.jsonl', line: 1, reasons: ['intent: expected refund, got track_order'] }),
    ]);
    const xml = await readFile(junit, 'utf8');
    expect(xml).toContain('<testsuites name="bot test shop-bot" tests="5" failures="1"');
    expect(xml).toContain('<testsuite name="fixtures/shop.yaml" tests="4" failures="0"');
    expect(xml).toMatch(
      /<testcase classname="fixtures\/wrong\.jsonl" name="where is order Q-1"[^>]*>\s*<failure message="intent: expected refund, got track_order"/,
    );
  });

  it('judges by thresholds when they are given: flags, then config', async () => {
    const root = await writeProject({ ...files, 'fixtures/wrong.jsonl': '{"text": "where is order Q-1", "intent": "refund"}\n' });
    const lenient = await runBot(['test', root, '--min-accuracy', '75%']);
    expect(lenient.exitCode).toBe(0);
    const strict = await runBot(['test', root, '--min-accuracy', '0.9']);
    expect(strict.exitCode).toBe(1);
    expect(strict.stdout).toContain('below threshold: intent accuracy 0.800 < 0.900');
    const configured = await writeProject({
      ...files,
      'bot.config.ts': `export default { name: 'shop-bot', test: { thresholds: { accuracy: 0.95 } } };\n`,
      'fixtures/wrong.jsonl': '{"text": "where is order Q-1", "intent": "refund"}\n',
    });
    expect((await runBot(['test', configured])).exitCode).toBe(1);
    const bad = await runBot(['test', root, '--min-accuracy', '1.5x']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('expected a fraction from 0 to 1 or a percentage');
  });

  it('reuses the trained model on a second run', async () => {
    const root = await writeProject(files);
    const first = JSON.parse((await runBot(['test', root, '--json'])).stdout);
    const second = JSON.parse((await runBot(['test', root, '--json'])).stdout);
    expect(first.training.fromCache).toBe(false);
    expect(second.training.fromCache).toBe(true);
    expect(second.intent).toEqual(first.intent);
  });

  it('cross-validates the training data when asked', async () => {
    const root = await writeProject({ ...files, 'fixtures/shop.yaml': '' });
    const noFixtures = await runBot(['test', root]);
    expect(noFixtures.exitCode).toBe(2);
    expect(noFixtures.stderr).toContain('no fixtures in fixtures/');
    const run = await runBot(['test', root, '--cross-validate', '4', '--json', '--min-accuracy', '0.5']);
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.cases).toBe(32);
    expect(report.intent.accuracy).toBeGreaterThan(0.5);
  });

  it('exits 2 on a broken project, naming the problem', async () => {
    const root = await writeProject({ ...files, 'fixtures/bad.yaml': '- text: hi\n  intent: greeet\n' });
    const run = await runBot(['test', root]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('fixtures/bad.yaml:1 FIXTURE_UNKNOWN_INTENT');
  });

  it('exits 2 naming a --fixtures file that is not there, without a stack trace', async () => {
    const root = await writeProject(files);
    const run = await runBot(['test', root, '--fixtures', 'nope.yaml']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('FIXTURE_INVALID');
    expect(run.stderr).toContain('no such file');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
