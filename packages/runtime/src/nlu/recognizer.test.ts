import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BotConfigSchema } from '../define/bot.ts';
import { describeEntities } from '../define/entity-spec.ts';
import type { Project, ProjectIntent } from '../project/types.ts';
import { TASK_BOT } from './__fixtures__/task-bot.ts';
import { createRecognizer } from './index.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function intent(name: string, schema: z.ZodObject): ProjectIntent {
  return { name, description: '', entities: describeEntities(schema), schema, confirm: false, declared: true, source: { file: `intents/${name}.ts` } };
}

// The task bot as a loaded project, with schemas stricter than the engine: titles of 4+ characters,
// points from 1 to 13.
function taskProject(): Project {
  const schemas: Record<string, z.ZodObject> = {
    update_status: z.object({ project: z.string(), status: z.enum(['todo', 'in_progress', 'done']), due: z.iso.date().optional() }),
    create_task: z.object({ title: z.string().min(4, 'title too short'), points: z.number().int().min(1).max(13).optional() }),
    list_tasks: z.object({}),
  };
  return {
    root: '/nowhere',
    config: BotConfigSchema.parse({ name: 'task-bot' }),
    intents: Object.entries(schemas).map(([name, schema]) => intent(name, schema)),
    examples: TASK_BOT.examples.map((e) => ({ ...e, entities: [...e.entities], source: { file: 'data/train.yaml' } })),
    actions: [],
    fixtures: [],
  };
}

describe('createRecognizer', () => {
  it('passes valid entities and rejects those the schema refuses, with the reason', async () => {
    const recognizer = await createRecognizer(taskProject());
    const ok = recognizer.parse('add a task fix the printer worth 5 points');
    expect(ok.entities.map((e) => [e.entity, e.value])).toEqual([
      ['title', 'fix the printer'],
      ['points', 5],
    ]);
    const tooMany = recognizer.parse('add a task fix the printer worth 40 points');
    expect(tooMany.entities.map((e) => e.entity)).toEqual(['title']);
    expect(tooMany.rejected).toEqual([{ entity: 'points', text: '40', reason: expect.stringMatching(/13/) }]);
  });

  it('never passes an enum value outside the enum', async () => {
    const recognizer = await createRecognizer(taskProject());
    const result = recognizer.parse('move Apollo to nowhere-land', { intent: 'update_status' });
    expect(result.entities.find((e) => e.entity === 'status')).toBeUndefined();
  });

  it('trains once and loads the cached model on the next start', async () => {
    const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'inputbot-nlu-'));
    dirs.push(cacheDir);
    const progress: number[] = [];
    const first = await createRecognizer(taskProject(), { cacheDir, onProgress: (done) => progress.push(done) });
    expect(first.fromCache).toBe(false);
    expect(progress.length).toBeGreaterThan(0);
    const second = await createRecognizer(taskProject(), { cacheDir });
    expect(second.fromCache).toBe(true);
    expect(second.trainMs).toBe(0);
    expect(second.parse('move Kraken to done')).toEqual(first.parse('move Kraken to done'));
    const changed = taskProject();
    changed.examples.push({ intent: 'list_tasks', text: 'anything due soon', entities: [], source: { file: 'data/train.yaml' } });
    const third = await createRecognizer(changed, { cacheDir });
    expect(third.fromCache).toBe(false);
    expect((await readdir(cacheDir)).filter((f) => f.endsWith('.json'))).toHaveLength(1);
  });
});
