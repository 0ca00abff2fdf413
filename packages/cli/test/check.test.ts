// `bot check` on a clean project and on projects broken in each way a user breaks them.
import { describe, expect, it } from 'vitest';
import { runBot, writeProject } from './helpers/cli.ts';

const base: Record<string, string> = {
  'bot.config.ts': `import { defineBot } from '@inputbot/runtime';\nexport default defineBot({ name: 'shop-bot' });\n`,
  'intents/track-order.ts': `import { defineIntent, z } from '@inputbot/runtime';

export default defineIntent({
  name: 'track_order',
  description: 'Where is my order',
  examples: [
    'where is order [A-1001](order_id)',
    'track [B-2002](order_id) please',
    'has my order [C-3003](order_id) shipped',
  ],
  entities: z.object({ order_id: z.string() }),
});
`,
  'intents/greet.ts': `import { defineIntent } from '@inputbot/runtime';\nexport default defineIntent({ name: 'greet', examples: ['hi', 'hello there', 'good morning'] });\n`,
  'actions/track-order.ts': `import { defineAction } from '@inputbot/runtime';
import trackOrder from '../intents/track-order.ts';

export default defineAction(trackOrder, { run: ({ order_id }) => \`Order \${order_id} is on its way.\` });
`,
  'data/none.yaml': `- intent: none\n  examples:\n    - what is the weather\n    - tell me a joke\n    - who won the game\n`,
  'data/extra.jsonl': `{"intent": "track_order", "text": "status of [D-4004](order_id)"}\n`,
  'fixtures/orders.yaml': `- text: where is order X-9\n  intent: track_order\n  entities: { order_id: X-9 }\n- text: hey\n  intent: greet\n`,
};

async function check(overrides: Record<string, string>, args: string[] = []) {
  const root = await writeProject({ ...base, ...overrides });
  return runBot(['check', root, ...args]);
}

describe('bot check', () => {
  it('passes a clean project and summarises it', async () => {
    const run = await check({});
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('shop-bot');
    expect(run.stdout).toMatch(/3 intents, 10 examples, 1 actions, 2 fixtures — no problems/);
  });

  it('warns about a broker this version cannot run, and bot dev refuses to start on it', async () => {
    const config = `import { defineBot } from '@inputbot/runtime';\nexport default defineBot({ name: 'shop-bot', broker: { kind: 'nats' } });\n`;
    const root = await writeProject({ ...base, 'bot.config.ts': config });
    const run = await runBot(['check', root]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('bot.config.ts BROKER_NOT_AVAILABLE');
    const dev = await runBot(['dev', root, '--port', '0', '--no-watch']);
    expect(dev.exitCode).toBe(2);
    expect(dev.stderr).toContain("broker.kind is 'nats', which this version cannot run yet");
  });

  it('prints problems as data with --json', async () => {
    const run = await check({ 'fixtures/orders.yaml': '- text: hey\n  intent: greeet\n' }, ['--json']);
    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.ok).toBe(false);
    expect(report.summary).toMatchObject({ name: 'shop-bot', intents: 3, actions: 1 });
    expect(report.problems).toEqual([
      {
        code: 'FIXTURE_UNKNOWN_INTENT',
        severity: 'error',
        file: 'fixtures/orders.yaml',
        line: 1,
        message: 'fixture "hey" expects intent "greeet", which is not declared (did you mean "greet"?)',
      },
    ]);
  });

  const broken: [string, Record<string, string>, { code: string; file: string; line?: number; message: RegExp }][] = [
    [
      'an action for an undeclared intent',
      { 'actions/refund.ts': `import { defineAction } from '@inputbot/runtime';\n\nexport default defineAction('refund_order', { run: () => 'ok' });\n` },
      { code: 'ACTION_UNKNOWN_INTENT', file: 'actions/refund.ts', line: 3, message: /"refund_order", which is not a declared intent/ },
    ],
    [
      'two intents with one name',
      {
        'intents/where-is.ts': `import { defineIntent } from '@inputbot/runtime';\nexport default defineIntent({\n  name: 'track_order',\n  examples: ['a', 'b', 'c'],\n});\n`,
      },
      { code: 'INTENT_DUPLICATE', file: 'intents/where-is.ts', line: 3, message: /"track_order" is declared twice; first at intents\/track-order.ts:4/ },
    ],
    [
      "an annotation naming an entity the intent's schema lacks",
      { 'data/extra.jsonl': `{"intent": "greet", "text": "hi"}\n{"intent": "track_order", "text": "status of [D-4004](order_number)"}\n` },
      { code: 'ENTITY_UNKNOWN', file: 'data/extra.jsonl', line: 2, message: /intent "track_order" has no entity "order_number" \(it has: order_id\)/ },
    ],
    [
      'an intent with too few examples',
      { 'intents/greet.ts': `import { defineIntent } from '@inputbot/runtime';\n\nexport default defineIntent({ name: 'greet', examples: ['hi'] });\n` },
      { code: 'INTENT_FEW_EXAMPLES', file: 'intents/greet.ts', line: 3, message: /"greet" has 1 example; at least 3/ },
    ],
    [
      'a fixture for an unknown intent',
      { 'fixtures/more.jsonl': `{"text": "cancel it", "intent": "track_order"}\n{"text": "cancel my order", "intent": "cancel_order"}\n` },
      { code: 'FIXTURE_UNKNOWN_INTENT', file: 'fixtures/more.jsonl', line: 2, message: /expects intent "cancel_order", which is not declared/ },
    ],
    [
      'a TypeScript file that does not compile',
      {
        'intents/greet.ts': `import { defineIntent } from '@inputbot/runtime';\n\nexport default defineIntent({ name: 'greet', examples: ['hi' 'hello'] });\n`,
      },
      { code: 'MODULE_SYNTAX', file: 'intents/greet.ts', line: 3, message: /does not compile: Expected "\]"/ },
    ],
    [
      'a file that throws on import',
      {
        'actions/track-order.ts': `import { defineAction } from '@inputbot/runtime';\n\nconst key = process.env.SHOP_KEY;\nif (!key) throw new Error('SHOP_KEY is not set');\nexport default defineAction('track_order', { run: () => 'ok' });\n`,
      },
      { code: 'MODULE_THROWS', file: 'actions/track-order.ts', line: 4, message: /throws on import: SHOP_KEY is not set/ },
    ],
    [
      'a malformed annotation',
      { 'data/extra.jsonl': `{"intent": "track_order", "text": "status of [D-4004](order_id"}\n` },
      { code: 'ANNOTATION_SYNTAX', file: 'data/extra.jsonl', line: 1, message: /unclosed "\(" after "\[D-4004\]"/ },
    ],
    [
      'invalid YAML in a data file',
      { 'data/none.yaml': `- intent: none\n  examples: [what is the weather\n` },
      { code: 'DATA_INVALID', file: 'data/none.yaml', message: /invalid YAML/ },
    ],
    [
      'a config that does not match the schema',
      { 'bot.config.ts': `import { defineBot } from '@inputbot/runtime';\nexport default defineBot({\n  name: 'shop-bot',\n  nlu: { mode: 'magic' },\n});\n` },
      { code: 'CONFIG_INVALID', file: 'bot.config.ts', line: 4, message: /nlu.mode: Invalid option/ },
    ],
  ];

  it.each(broken)('reports %s with file and line, exit 1', async (_name, overrides, expected) => {
    const run = await check(overrides, ['--json']);
    expect(run.exitCode).toBe(1);
    const { problems } = JSON.parse(run.stdout);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: expected.code, file: expected.file, severity: 'error' });
    if (expected.line) expect(problems[0].line).toBe(expected.line);
    expect(problems[0].message).toMatch(expected.message);
  });

  it('prints each problem with its location in text mode', async () => {
    const run = await check({ 'fixtures/more.jsonl': `{"text": "cancel my order", "intent": "cancel_order"}\n` });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('✖ fixtures/more.jsonl:1 FIXTURE_UNKNOWN_INTENT');
    expect(run.stderr).toMatch(/1 problem\n/);
  });

  it('exits 2 when the folder is not a bot project or does not exist', async () => {
    const empty = await writeProject({});
    const notProject = await runBot(['check', empty]);
    expect(notProject.exitCode).toBe(2);
    expect(notProject.stdout).toMatch(/CONFIG_MISSING/);
    const missing = await runBot(['check', '/nonexistent/bot']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/bot: no such folder');
    const usage = await runBot(['check', '--no-such-flag']);
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toContain("unknown option '--no-such-flag'");
  });
});
