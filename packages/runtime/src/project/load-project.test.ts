// loadProject on real files: data-only intents, Rasa's block format, entity specs, fixtures.
import { mkdir, mkdtemp, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadProject } from './load-project.ts';
import { projectLocation } from './stack-frames.ts';

const RUNTIME = path.resolve(fileURLToPath(import.meta.url), '../../..');

async function project(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'inputbot-load-'));
  await mkdir(path.join(root, 'node_modules/@inputbot'), { recursive: true });
  await symlink(RUNTIME, path.join(root, 'node_modules/@inputbot/runtime'), 'dir');
  for (const [name, content] of Object.entries({ 'package.json': '{"type":"module"}', ...files })) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), content);
  }
  return root;
}

const config = `export default { name: 'data-bot' };\n`;
const examples = ['hi', 'hello', 'hey', 'bye', 'ciao', 'see you'].map((text, i) => JSON.stringify({ intent: i < 3 ? 'greet' : 'leave', text })).join('\n');

describe('loadProject', () => {
  it('infers intents that exist only in data files, with optional string entities', async () => {
    const root = await project({
      'bot.config.ts': config,
      'data/train.jsonl': [
        '{"intent": "book_flight", "text": "fly to [Paris](city)"}',
        '{"intent": "book_flight", "text": "a flight to [Rome](city) on [monday](date)"}',
        '{"intent": "book_flight", "text": "book me a flight"}',
      ].join('\n'),
      'data/rasa.yml': 'version: "3.1"\nnlu:\n- intent: none\n  examples: |\n    - tell me a joke\n    - what is love\n    - sing a song\n',
    });
    const { project: loaded, problems } = await loadProject(root);
    expect(problems).toEqual([]);
    const flight = loaded?.intents.find((i) => i.name === 'book_flight');
    expect(flight?.declared).toBe(false);
    expect(flight?.entities).toEqual([
      { name: 'city', kind: 'text', required: false },
      { name: 'date', kind: 'text', required: false },
    ]);
    expect(flight?.schema.safeParse({ city: 'Paris' }).success).toBe(true);
    const none = loaded?.examples.filter((e) => e.intent === 'none');
    expect(none?.map((e) => e.text)).toEqual(['tell me a joke', 'what is love', 'sing a song']);
    expect(none?.[1]?.source).toEqual({ file: 'data/rasa.yml', line: 6 });
    expect(loaded?.examples.find((e) => e.text.includes('Rome'))).toMatchObject({
      text: 'a flight to Rome on monday',
      source: { file: 'data/train.jsonl', line: 2 },
    });
  });

  it('describes declared entities from the zod schema, synonyms included', async () => {
    const root = await project({
      'bot.config.ts': config,
      'intents/status.ts': `import { defineIntent, z } from '@inputbot/runtime';
export default defineIntent({
  name: 'update_status',
  examples: ['move [Apollo](project) to [done](status)', 'set [Zeus](project) [blocked](status)', 'mark [X](project) as [finished](status:done) by [friday](due)'],
  entities: z.object({
    project: z.string(),
    status: z.enum(['todo', 'done', 'blocked']).meta({ synonyms: { done: ['finished', 'complete'] } }),
    due: z.iso.date().optional(),
    points: z.number().optional(),
  }),
});
`,
    });
    const { project: loaded, problems } = await loadProject(root);
    expect(problems).toEqual([]);
    expect(loaded?.intents[0]?.entities).toEqual([
      { name: 'project', kind: 'text', required: true },
      { name: 'status', kind: 'enum', required: true, values: ['todo', 'done', 'blocked'], synonyms: { done: ['finished', 'complete'] } },
      { name: 'due', kind: 'date', required: false },
      { name: 'points', kind: 'number', required: false },
    ]);
    expect(loaded?.examples[2]?.entities[1]).toMatchObject({ entity: 'status', text: 'finished', value: 'done' });
  });

  it('reads fixtures from a given file, with their lines', async () => {
    const root = await project({
      'bot.config.ts': config,
      'data/d.yaml': '- intent: greet\n  examples: [hi, hello, hey]\n',
      'other.jsonl': '{"text": "hi", "intent": "greet"}\n\n{"text": "weather?", "intent": "none", "referenceTime": "2026-01-05T09:00:00Z"}\n',
    });
    const { project: loaded, problems } = await loadProject(root, { fixtureFiles: [path.join(root, 'other.jsonl')] });
    expect(problems).toEqual([]);
    expect(loaded?.fixtures).toEqual([
      { text: 'hi', intent: 'greet', source: { file: 'other.jsonl', line: 1 } },
      { text: 'weather?', intent: 'none', referenceTime: '2026-01-05T09:00:00Z', source: { file: 'other.jsonl', line: 3 } },
    ]);
  });

  it('loads prompts/ and reports bad prompt files, duplicate names and template variables missing from the input', async () => {
    const prompt = (name: string, template: string) =>
      `import { definePrompt, z } from '@inputbot/runtime';\nexport default definePrompt({ name: '${name}', model: 'gpt-4o-mini', template: ${JSON.stringify(template)}, input: z.object({ text: z.string() }) });\n`;
    const root = await project({
      'bot.config.ts': config,
      'prompts/summarize.ts': prompt('summarize', 'Summarise: {{text}}'),
      'prompts/summary.ts': prompt('summarize', 'Once more: {{ text }}'),
      'prompts/translate.ts': prompt('translate', 'Translate {{text}} into {{language}}'),
      'prompts/helper.ts': 'export const x = 1;\n',
      'prompts/broken.ts': `import { definePrompt, z } from '@inputbot/runtime';\nexport default definePrompt({ name: 'Bad Name', model: 'm', template: 't', input: z.object({}) });\n`,
    });
    const { project: loaded, problems } = await loadProject(root);
    expect(loaded?.prompts?.map((p) => [p.name, p.source.file])).toEqual([['summarize', 'prompts/summarize.ts']]);
    expect(problems.map(({ code, file, line, message }) => ({ code, file, line, message }))).toEqual([
      { code: 'MODULE_THROWS', file: 'prompts/broken.ts', line: expect.any(Number), message: expect.stringContaining('definePrompt: ✖ use lowercase letters') },
      { code: 'MODULE_EMPTY', file: 'prompts/helper.ts', line: undefined, message: 'exports no prompt: export default definePrompt({...})' },
      { code: 'PROMPT_DUPLICATE', file: 'prompts/summary.ts', line: 2, message: 'prompt "summarize" is declared twice; first at prompts/summarize.ts:2' },
      {
        code: 'PROMPT_TEMPLATE_VARIABLE',
        file: 'prompts/translate.ts',
        line: 2,
        message: 'prompt "translate": the template uses {{language}}, which its input schema lacks (it has: text)',
      },
    ]);
  });

  it('compiles the files of one load together: a helper imported by two actions is one module; import.meta.url is the source file', async () => {
    const action = (intent: string) =>
      `import { defineAction } from '@inputbot/runtime';\nimport { counter, here } from '../lib/counter.ts';\nexport default defineAction('${intent}', { run: () => \`\${counter.next()} \${here}\` });\n`;
    const root = await project({
      'bot.config.ts': config,
      'data/d.jsonl': examples,
      'lib/counter.ts': `let n = 0;\nexport const counter = { next: () => ++n };\nexport const here = import.meta.url;\n`,
      'actions/greet.ts': action('greet'),
      'actions/leave.ts': action('leave'),
    });
    const { project: loaded, problems } = await loadProject(root);
    expect(problems).toEqual([]);
    const run = (intent: string) => loaded?.actions.find((a) => a.intent === intent)?.action.run({} as never, {} as never);
    const helper = pathToFileURL(path.join(root, 'lib/counter.ts')).href;
    expect([run('greet'), run('leave'), run('greet')]).toEqual([`1 ${helper}`, `2 ${helper}`, `3 ${helper}`]);
    // The build's files are removed once imported, and a project that never ran is left without a .bot folder.
    expect(await readdir(root)).not.toContain('.bot');
  });

  it("keeps a load's build while its code can still import() a chunk of it", async () => {
    const root = await project({
      'bot.config.ts': config,
      'data/d.jsonl': examples,
      'lib/later.ts': `export const value = 'later';\n`,
      'actions/greet.ts': `import { defineAction } from '@inputbot/runtime';\nexport default defineAction('greet', { run: async () => (await import('../lib/later.ts')).value });\n`,
    });
    const { project: loaded, problems } = await loadProject(root);
    expect(problems).toEqual([]);
    expect(await loaded?.actions[0]?.action.run({} as never, {} as never)).toBe('later');
  });

  it('sees changed files on the next load (hot reload), each load with its own module instances', async () => {
    const action = (reply: string) => `import { defineAction } from '@inputbot/runtime';\nexport default defineAction('greet', { run: () => '${reply}' });\n`;
    const root = await project({ 'bot.config.ts': config, 'data/d.jsonl': examples, 'actions/greet.ts': action('one') });
    const first = await loadProject(root);
    await writeFile(path.join(root, 'actions/greet.ts'), action('two'));
    const second = await loadProject(root);
    expect(first.project?.actions[0]?.action.run({} as never, {} as never)).toBe('one');
    expect(second.project?.actions[0]?.action.run({} as never, {} as never)).toBe('two');
  });

  it('reports a file that does not compile with its line and column and still loads the others, a helper shared with it included', async () => {
    const root = await project({
      'bot.config.ts': config,
      'data/d.jsonl': examples,
      'lib/reply.ts': `export const reply = 'hi';\n`,
      'actions/greet.ts': `import { defineAction } from '@inputbot/runtime';\nimport { reply } from '../lib/reply.ts';\nexport default defineAction('greet', { run: () => reply });\n`,
      'actions/leave.ts': `import { defineAction } from '@inputbot/runtime';\nimport { reply } from '../lib/reply.ts';\n\nexport default defineAction('leave', { run: () => reply + });\n`,
      'actions/missing.ts': `import { defineAction } from '@inputbot/runtime';\nimport { nope } from './nope.ts';\nexport default defineAction('leave', { run: () => nope });\n`,
      'actions/throws.ts': `import { defineAction } from '@inputbot/runtime';\n\nconst key = process.env.NO_SUCH_KEY_FOR_TEST;\nif (!key) throw new Error('NO_SUCH_KEY_FOR_TEST is not set');\nexport default defineAction('leave', { run: () => key });\n`,
    });
    const { project: loaded, problems } = await loadProject(root);
    expect(loaded?.actions.map((a) => [a.intent, a.action.run({} as never, {} as never)])).toEqual([['greet', 'hi']]);
    expect(problems.map(({ code, file, line, column, message }) => ({ code, file, line, column, message }))).toEqual([
      { code: 'MODULE_SYNTAX', file: 'actions/leave.ts', line: 4, column: 59, message: 'does not compile: Unexpected "}"' },
      { code: 'MODULE_THROWS', file: 'actions/missing.ts', line: 2, column: 22, message: 'throws on import: Could not resolve "./nope.ts"' },
      { code: 'MODULE_THROWS', file: 'actions/throws.ts', line: 4, column: expect.any(Number), message: 'throws on import: NO_SUCH_KEY_FOR_TEST is not set' },
    ]);
  });

  it('reports a broken file once, however many files import it', async () => {
    const uses = (intent: string) =>
      `import { defineAction } from '@inputbot/runtime';\nimport { reply } from '../lib/reply.ts';\nexport default defineAction('${intent}', { run: () => reply });\n`;
    const root = await project({
      'bot.config.ts': config,
      'data/d.jsonl': examples,
      'lib/reply.ts': `export const reply = ;\n`,
      'actions/greet.ts': uses('greet'),
      'actions/leave.ts': uses('leave'),
    });
    const { problems } = await loadProject(root);
    expect(problems.map(({ code, file, line }) => ({ code, file, line }))).toEqual([{ code: 'MODULE_SYNTAX', file: 'lib/reply.ts', line: 1 }]);
  });

  it('loads a project whose package.json does not say "type": "module", require(), __dirname and __filename included', async () => {
    const root = await project({
      'package.json': '{"name": "cjs-bot"}',
      'bot.config.ts': `import { defineBot } from '@inputbot/runtime';\nexport default defineBot({ name: 'cjs-bot' });\n`,
      'data/d.jsonl': examples,
      'actions/greet.ts': `import { defineAction } from '@inputbot/runtime';\nconst path = require('node:path');\nexport const greet = defineAction('greet', { run: () => path.basename('/a/hi') + ':' + path.basename(__dirname) + ':' + path.basename(__filename) });\n`,
      'actions/leave.ts': `import { defineAction } from '@inputbot/runtime';\nimport { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nexport default defineAction('leave', { run: () => require('node:path').basename('/a/bye') });\n`,
    });
    const { project: loaded, problems } = await loadProject(root);
    expect(problems).toEqual([]);
    expect(loaded?.config.name).toBe('cjs-bot');
    expect(loaded?.actions.map((a) => [a.intent, a.action.run({} as never, {} as never)])).toEqual([
      ['greet', 'hi:actions:greet.ts'],
      ['leave', 'bye'],
    ]);
  });

  it('locates an error an action throws at run time in its TypeScript, after the load', async () => {
    const root = await project({
      'bot.config.ts': config,
      'data/d.jsonl': examples,
      'lib/check.ts': `export function check(n: number): number {\n  if (n > 1) throw new Error('too big');\n  return n;\n}\n`,
      'actions/greet.ts': `import { defineAction } from '@inputbot/runtime';\nimport { check } from '../lib/check.ts';\n\nexport default defineAction('greet', {\n  run: () => String(check(2)),\n});\n`,
    });
    const { project: loaded } = await loadProject(root);
    const thrown = (() => {
      try {
        loaded?.actions[0]?.action.run({} as never, {} as never);
      } catch (error) {
        return error;
      }
    })();
    expect((thrown as Error).message).toBe('too big');
    expect(projectLocation(thrown, root)).toBe('lib/check.ts:2:20');
  });
});
