// loadProject on real files: data-only intents, Rasa's block format, entity specs, fixtures.
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadProject } from './load-project.ts';

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
});
