import { afterEach, describe, expect, it } from 'vitest';
import { BotConfigSchema, type BotOptions } from '../define/bot.ts';
import type { Project } from '../project/types.ts';
import { taskProject } from '../services/nlp/__fixtures__/task-project.ts';
import { type FakeAnswer, type FakeChat, type FakeChatRequest, startFakeChat } from './__fixtures__/fake-chat-server.ts';
import { createRecognizer, type Recognizer } from './index.ts';

const referenceTime = new Date('2026-03-02T10:00:00Z');
let fake: FakeChat | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function project(nlu: BotOptions['nlu']): Project {
  return { ...taskProject(), config: BotConfigSchema.parse({ name: 'task-bot', nlu }) };
}

/** A recognizer in `mode` whose LLM answers, call by call, with `answers` (the last one repeats). */
async function recognizerWith(mode: 'llm' | 'cascade', answers: FakeAnswer[]): Promise<Recognizer> {
  let call = 0;
  fake = await startFakeChat(() => answers[Math.min(call++, answers.length - 1)]);
  return createRecognizer(project({ mode }), { llm: { baseURL: fake.url } });
}

const requests = (): FakeChatRequest[] => fake?.requests ?? [];
const entitiesOf = (r: { entities: { entity: string; value: unknown }[] }) => Object.fromEntries(r.entities.map((e) => [e.entity, e.value]));

describe('llm mode', () => {
  it("takes the intent and the schema-valid entities from the model's structured output, with usage", async () => {
    const recognizer = await recognizerWith('llm', [
      { result: { intent: 'update_status', entities: { project: 'Apollo', status: 'done', due: '2026-03-06' } } },
    ]);
    const result = await recognizer.parseAsync('please push Apollo over the line by friday', { referenceTime, traceId: 'a'.repeat(32) });
    expect(result).toMatchObject({ path: 'llm', intent: { name: 'update_status', confidence: 1 }, rejected: [] });
    expect(entitiesOf(result)).toEqual({ project: 'Apollo', status: 'done', due: '2026-03-06' });
    expect(result.entities[0]).toMatchObject({ entity: 'project', text: 'Apollo', start: 12, end: 18, extractor: 'llm' });
    expect(result.usage).toEqual({ inputTokens: 120, outputTokens: 15, costUsd: 0.0002, llmCalls: 1 });

    const [request] = requests();
    expect(request?.headers.traceparent).toMatch(/^00-a{32}-[0-9a-f]{16}-01$/);
    expect(request?.body).toMatchObject({ model: 'gpt-4o-mini', temperature: 0 });
    const system = request?.body.messages[0]?.content ?? '';
    expect(system).toContain('- update_status: move a project to another status');
    expect(system).toContain('entities: project (text); status (one of todo, in_progress, done); due (date YYYY-MM-DD, optional)');
    expect(system).toContain('e.g. move [Apollo](project) to [done](status)');
    expect(system).toContain('Now is 2026-03-02T10:00Z');
    expect(request?.userText).toBe('please push Apollo over the line by friday');
    // The schema the model must follow: a union over the intents, each with its own entity schema, strict.
    const format = request?.body.response_format as { type: string; json_schema: { name: string; strict: boolean; schema: Record<string, unknown> } };
    expect(format).toMatchObject({ type: 'json_schema', json_schema: { name: 'intent', strict: true } });
    const variants = (format.json_schema.schema as { properties: { result: { anyOf: Record<string, unknown>[] } } }).properties.result.anyOf;
    expect(variants.map((v) => (v as { properties: { intent: { enum: string[] } } }).properties.intent.enum[0])).toEqual([
      'update_status',
      'create_task',
      'list_tasks',
      'delete_project',
      'none',
    ]);
    expect(variants[0]).toMatchObject({
      additionalProperties: false,
      required: ['intent', 'entities'],
      properties: {
        entities: {
          type: 'object',
          additionalProperties: false,
          required: ['project', 'status', 'due'],
          properties: {
            status: { type: 'string', enum: ['todo', 'in_progress', 'done'] },
            due: { anyOf: [{ type: 'string', format: 'date' }, { type: 'null' }] },
          },
        },
      },
    });
  });

  it('sends the validation error back once and takes the repaired answer', async () => {
    const recognizer = await recognizerWith('llm', [
      { result: { intent: 'create_task', entities: { title: 'x', points: null } } },
      { result: { intent: 'create_task', entities: { title: 'write the quarterly report', points: 5 } } },
    ]);
    const result = await recognizer.parseAsync('jot down that I must write the quarterly report, 5 pts', { referenceTime });
    expect(result).toMatchObject({ path: 'llm', intent: { name: 'create_task' }, usage: { llmCalls: 2, inputTokens: 240, outputTokens: 30 } });
    expect(entitiesOf(result)).toEqual({ title: 'write the quarterly report', points: 5 });
    const repair = requests()[1]?.body.messages ?? [];
    expect(repair.slice(-2)).toEqual([
      { role: 'assistant', content: JSON.stringify({ result: { intent: 'create_task', entities: { title: 'x', points: null } } }) },
      {
        role: 'user',
        content:
          'That answer is invalid: entity "title" = "x": Too small: expected string to have >=3 characters. Answer again with JSON that matches the schema exactly.',
      },
    ]);
  });

  it('answers with the local engine when the output is invalid twice, and reports why', async () => {
    const recognizer = await recognizerWith('llm', [{ raw: 'Sure! The intent is update_status.' }]);
    const result = await recognizer.parseAsync('move Apollo to done', { referenceTime });
    expect(requests()).toHaveLength(2);
    expect(result).toMatchObject({ path: 'local', intent: { name: 'update_status' }, usage: { llmCalls: 2 } });
    expect(result.llmError).toBe('invalid output twice: not JSON: "Sure! The intent is update_status."');
    expect(entitiesOf(result)).toEqual({ project: 'Apollo', status: 'done' });
  });

  it('never passes on an undeclared intent', async () => {
    const recognizer = await recognizerWith('llm', [{ result: { intent: 'transfer_money', entities: { amount: 1000 } } }]);
    const result = await recognizer.parseAsync('send 1000 dollars to my cousin', { referenceTime });
    expect(result.intent.name).not.toBe('transfer_money');
    expect(result.path).toBe('local');
    expect(result.llmError).toBe('invalid output twice: intent "transfer_money" is not one of: update_status, create_task, list_tasks, delete_project, none');
  });

  it('never passes on entities that fail the schema, nor entities the intent lacks', async () => {
    const recognizer = await recognizerWith('llm', [
      { result: { intent: 'create_task', entities: { title: 'fix the login bug', points: 99 } } },
      { result: { intent: 'create_task', entities: { title: 'fix the login bug', points: null, owner: 'ana' } } },
    ]);
    const result = await recognizer.parseAsync('add a task fix the login bug worth 99 points', { referenceTime });
    expect(result.path).toBe('local');
    expect(result.entities.map((e) => e.extractor)).not.toContain('llm');
    expect(entitiesOf(result).points).toBeUndefined();
    expect(result.llmError).toBe('invalid output twice: intent "create_task" has no entity "owner"');
  });

  it('falls back to the local engine when the LLM is unavailable, or throws when told to', async () => {
    fake = await startFakeChat(() => ({ status: 503, error: 'upstream down' }));
    const lenient = await createRecognizer(project({ mode: 'llm' }), { llm: { baseURL: fake.url } });
    const result = await lenient.parseAsync('move Apollo to done', { referenceTime });
    expect(result).toMatchObject({ path: 'local', intent: { name: 'update_status' } });
    expect(result.llmError).toMatch(/^LLM unavailable: 503/);
    const strict = await createRecognizer(project({ mode: 'llm' }), { llm: { baseURL: fake.url, onUnavailable: 'throw' } });
    await expect(strict.parseAsync('move Apollo to done', { referenceTime })).rejects.toMatchObject({ status: 503 });
  });

  it('refuses to start in llm mode without an endpoint', async () => {
    await expect(createRecognizer(project({ mode: 'llm' }))).rejects.toMatchObject({ code: 'NLU_LLM_URL_MISSING' });
  });
});

describe('cascade mode', () => {
  it('answers confident input locally with no LLM call, and sends out-of-vocabulary input to the LLM', async () => {
    const recognizer = await recognizerWith('cascade', [{ result: { intent: 'delete_project', entities: { project: 'Apollo' } } }]);
    const confident = await recognizer.parseAsync('move Apollo to done', { referenceTime });
    expect(confident).toMatchObject({ path: 'local', intent: { name: 'update_status' } });
    expect(confident.usage).toBeUndefined();
    expect(requests()).toHaveLength(0);

    const unusual = 'Apollo is dead to me, scrap it entirely';
    expect(recognizer.parse(unusual, { referenceTime }).intent.name).toBe('none');
    const answered = await recognizer.parseAsync(unusual, { referenceTime });
    expect(answered).toMatchObject({ path: 'llm', intent: { name: 'delete_project' }, usage: { llmCalls: 1 } });
    expect(entitiesOf(answered)).toEqual({ project: 'Apollo' });
    expect(requests().map((r) => r.userText)).toEqual([unusual]);
  });
});
