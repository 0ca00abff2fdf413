// `bot add intent` end to end: files in the project's style, a fixture appended, and `bot check` still passing.
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBot, writeProject } from './helpers/cli.ts';

const made: string[] = [];
afterAll(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bot-add-'));
  made.push(dir);
  return dir;
}

async function starterProject(): Promise<string> {
  const cwd = await tempDir();
  const init = await runBot(['init', 'shop', '--yes', '--template', 'starter'], { cwd });
  expect(init.exitCode).toBe(0);
  return path.join(cwd, 'shop');
}

describe('bot add intent', () => {
  it('writes the intent and its action like the template does, appends a fixture, and bot check passes', async () => {
    const project = await starterProject();
    const fixturesBefore = readFileSync(path.join(project, 'fixtures/fixtures.yaml'), 'utf8');
    const run = await runBot(['add', 'intent', 'cancel_order', '--dir', project]);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('✔ wrote intents/cancel-order.ts\n✔ wrote actions/cancel-order.ts\n✔ added a fixture to fixtures/fixtures.yaml\n');
    expect(run.stdout).toContain('intents/cancel-order.ts has 6 placeholder examples made from the name ("cancel order", …)');

    const intent = readFileSync(path.join(project, 'intents/cancel-order.ts'), 'utf8');
    // Same import line and export shape as the template's own intents.
    const templateIntent = readFileSync(path.join(project, 'intents/check-order.ts'), 'utf8');
    expect(intent.split('\n')[1]).toBe(templateIntent.split('\n')[1]);
    expect(intent).toContain("\nexport default defineIntent({\n  name: 'cancel_order',\n");
    expect(intent).toContain(
      "    'cancel order',\n    'please cancel order',\n    'I want to cancel order',\n    'can you cancel order',\n    'I\\'d like to cancel order',\n",
    );
    const action = readFileSync(path.join(project, 'actions/cancel-order.ts'), 'utf8');
    expect(action).toContain(
      "import cancelOrder from '../intents/cancel-order.ts';\n\nexport default defineAction(cancelOrder, {\n  run: () => 'Sorry, I can\\'t cancel order yet.',\n});\n",
    );
    expect(readFileSync(path.join(project, 'fixtures/fixtures.yaml'), 'utf8')).toBe(
      `${fixturesBefore}- text: could you cancel order right away\n  intent: cancel_order\n  reply: Sorry, I can't cancel order yet.\n`,
    );

    const check = await runBot(['check', project, '--json']);
    expect(check.exitCode).toBe(0);
    const report = JSON.parse(check.stdout);
    expect(report.problems).toEqual([]);
    expect(report.summary).toMatchObject({ intents: 6, actions: 5, fixtures: 12 });
  });

  it('refuses an intent the project already has, changing nothing', async () => {
    const project = await starterProject();
    const before = await snapshot(project);
    const run = await runBot(['add', 'intent', 'check_order', '--dir', project]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('✖ intent "check_order" already exists (intents/check-order.ts:5:9)\n');
    expect(await snapshot(project)).toEqual(before);
  });

  it('refuses to overwrite a file of the same name', async () => {
    const project = await starterProject();
    const run = await runBot(['add', 'intent', 'greet-v2', '--dir', project]);
    expect(run.exitCode).toBe(0);
    const again = await runBot(['add', 'intent', 'greet_v2', '--dir', project]);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toBe('✖ intents/greet-v2.ts already exists: choose another name or remove it\n');
  });

  it('refuses an invalid or reserved name with the rule', async () => {
    const project = await starterProject();
    const bad = await runBot(['add', 'intent', 'Cancel Order', '--dir', project]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toBe('✖ "Cancel Order" is not a valid intent name: use lowercase letters, digits and "_", "-" or "." (e.g. "update_status")\n');
    const none = await runBot(['add', 'intent', 'none', '--dir', project]);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('"none" is reserved for out-of-scope examples');
  });

  it('refuses a folder that is not a bot project', async () => {
    const dir = await tempDir();
    const run = await runBot(['add', 'intent', 'cancel_order', '--dir', dir]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('no bot.config.ts here: is this a bot project?');
    expect(await readdir(dir)).toEqual([]);
  });

  it("follows another project's style: double quotes, no semicolons, snake_case files, named exports, JSONL fixtures", async () => {
    const project = await writeProject({
      'bot.config.ts': 'import { defineBot } from "@inputbot/runtime"\nexport default defineBot({ name: "snake-bot", nlu: { minExamples: 8 } })\n',
      'intents/track_order.ts': [
        'import { defineIntent, z } from "@inputbot/runtime"',
        '',
        'export const trackOrder = defineIntent({',
        '    name: "track_order",',
        '    examples: ["track [A1](order_id)", "where is [B2](order_id)", "status of [C3](order_id)", "find order [D4](order_id)", "track order [E5](order_id)", "where is order [F6](order_id)", "has [G7](order_id) shipped", "order [H8](order_id) status"],',
        '    entities: z.object({ order_id: z.string() }),',
        '})',
        '',
      ].join('\n'),
      'actions/track_order.ts':
        'import { defineAction } from "@inputbot/runtime"\nimport { trackOrder } from "../intents/track_order.js"\n\nexport const trackOrderAction = defineAction(trackOrder, { run: () => "on its way" })\n',
      'fixtures/cases.jsonl': '{"text": "where is X9", "intent": "track_order"}\n',
    });
    made.push(project);
    const run = await runBot(['add', 'intent', 'delete', '--dir', project]);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const intent = await readFile(path.join(project, 'intents/delete.ts'), 'utf8');
    expect(intent).toContain('import { defineIntent, z } from "@inputbot/runtime"\n\nexport const deleteIntent = defineIntent({\n    name: "delete",\n');
    // nlu.minExamples is 8: enough placeholders to pass bot check.
    expect(intent.match(/^ {8}".*",$/gm)).toHaveLength(8);
    const action = await readFile(path.join(project, 'actions/delete.ts'), 'utf8');
    expect(action).toContain(
      'import { deleteIntent } from "../intents/delete.js"\n\nexport const deleteIntentAction = defineAction(deleteIntent, {\n    run: () => "Sorry, I can\'t delete yet.",\n})\n',
    );
    expect(await readFile(path.join(project, 'fixtures/cases.jsonl'), 'utf8')).toBe(
      '{"text": "where is X9", "intent": "track_order"}\n{"text":"could you delete right away","intent":"delete","reply":"Sorry, I can\'t delete yet."}\n',
    );
    const snake = await runBot(['add', 'intent', 'cancel-order', '--dir', project]);
    expect(snake.stdout).toContain('wrote intents/cancel_order.ts');
    const check = await runBot(['check', project]);
    expect(check.stdout).toContain('snake-bot');
    expect(check.exitCode).toBe(0);
  });
});

async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const rel = path.relative(dir, path.join(entry.parentPath, entry.name));
    if (entry.isFile() && !rel.startsWith('node_modules')) files[rel] = await readFile(path.join(dir, rel), 'utf8');
  }
  return files;
}
