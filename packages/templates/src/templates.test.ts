// Each template is a real project: it loads with no problems, covers its intents with fixtures, and its actions run.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ActionContext } from '@inputbot/runtime';
import { loadProject, type Project } from '@inputbot/runtime/project';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTemplate, templates } from './index.ts';

const loaded = new Map<string, Project>();

beforeAll(async () => {
  for (const template of templates) {
    const { project, problems } = await loadProject(template.dir);
    expect(problems, template.name).toEqual([]);
    loaded.set(template.name, project as Project);
  }
});

describe.each(templates.map((t) => [t.name, t] as const))('template %s', (name, template) => {
  const project = () => loaded.get(name) as Project;

  it('is a complete project the package ships', () => {
    for (const file of ['bot.config.ts', 'package.json', 'tsconfig.json', 'README.md', '.env.example', '_gitignore', 'data/none.yaml']) {
      expect(existsSync(path.join(template.dir, file)), file).toBe(true);
    }
    // npm drops .gitignore from packages: the template keeps _gitignore only.
    expect(existsSync(path.join(template.dir, '.gitignore'))).toBe(false);
    const pkg = JSON.parse(readFileSync(path.join(template.dir, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.scripts).sort()).toEqual(['check', 'dev', 'test']);
    expect(pkg.dependencies['@inputbot/runtime']).toBe('0.1.0');
    const shipped = JSON.parse(readFileSync(path.join(import.meta.dirname, '../package.json'), 'utf8')).files;
    expect(shipped).toContain('templates');
    expect(findTemplate(name)).toBe(template);
  });

  it('has an action for every intent, and fixtures for every intent and for none', () => {
    const intents = project()
      .intents.map((i) => i.name)
      .filter((n) => n !== 'none')
      .sort();
    expect(
      project()
        .actions.map((a) => a.intent)
        .sort(),
    ).toEqual(intents);
    expect(new Set(project().fixtures.map((f) => f.intent))).toEqual(new Set([...intents, 'none']));
    const noneExamples = project().examples.filter((e) => e.intent === 'none');
    expect(noneExamples.length).toBeGreaterThanOrEqual(12);
    for (const intent of intents) {
      expect(project().examples.filter((e) => e.intent === intent).length, intent).toBeGreaterThanOrEqual(10);
    }
  });

  it("writes fixture entities that its intents' schemas accept", () => {
    for (const fixture of project().fixtures) {
      const intent = project().intents.find((i) => i.name === fixture.intent);
      if (!fixture.entities || !intent) continue;
      expect(intent.schema.partial().safeParse(fixture.entities).success, fixture.text).toBe(true);
    }
  });

  it('lists every required entity in fixtures that state entities (bot test counts a missing one as a miss)', () => {
    for (const fixture of project().fixtures) {
      const intent = project().intents.find((i) => i.name === fixture.intent);
      if (!fixture.entities || !intent) continue;
      const required = intent.entities.filter((e) => e.required).map((e) => e.name);
      expect(Object.keys(fixture.entities), fixture.text).toEqual(expect.arrayContaining(required));
    }
  });

  it('annotates enum entities with values the enum has', () => {
    for (const example of project().examples) {
      const intent = project().intents.find((i) => i.name === example.intent);
      for (const span of example.entities) {
        const spec = intent?.entities.find((e) => e.name === span.entity);
        if (spec?.kind === 'enum') expect(spec.values, example.text).toContain(span.value);
      }
    }
  });
});

describe('ops template', () => {
  const ops = () => loaded.get('ops') as Project;
  let dir: string;
  let previous: string | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ops-template-'));
    previous = process.env.OPS_DB;
    process.env.OPS_DB = path.join(dir, 'ops.sqlite');
  });
  afterAll(async () => {
    if (previous === undefined) delete process.env.OPS_DB;
    else process.env.OPS_DB = previous;
    await rm(dir, { recursive: true, force: true });
  });

  const run = async (intent: string, entities: Record<string, unknown>, key = 'key-1') => {
    const found = ops().actions.find((a) => a.intent === intent);
    if (!found) throw new Error(`no action for ${intent}`);
    const reply = await found.action.run(entities, context(key));
    return typeof reply === 'string' ? reply : reply.text;
  };
  const db = () => new Database(process.env.OPS_DB as string, { readonly: true });

  it('has 15-25 examples for each intent and 20+ fixtures with entities', () => {
    for (const intent of ['update_status', 'schedule_meeting', 'lookup_employee']) {
      const n = ops().examples.filter((e) => e.intent === intent).length;
      expect(n, intent).toBeGreaterThanOrEqual(15);
      expect(n, intent).toBeLessThanOrEqual(25);
    }
    expect(ops().fixtures.filter((f) => f.entities).length).toBeGreaterThanOrEqual(20);
  });

  it('maps status synonyms to enum values', () => {
    const status = ops()
      .intents.find((i) => i.name === 'update_status')
      ?.entities.find((e) => e.name === 'status');
    expect(status).toMatchObject({ kind: 'enum', values: ['todo', 'in_progress', 'blocked', 'done'] });
    expect(status?.synonyms?.done).toContain('finished');
  });

  it('does not create the database when the project is only loaded', () => {
    expect(existsSync(process.env.OPS_DB as string)).toBe(false);
  });

  it('update_status changes the project and records every run in status_changes', async () => {
    expect(await run('update_status', { project: 'apollo', status: 'done', due: '2026-03-15' }, 'k1')).toBe(
      'Moved Apollo from in progress to done, due 2026-03-15.',
    );
    expect(await run('update_status', { project: 'Apollo', status: 'done' }, 'k2')).toBe('Apollo is already done.');
    const read = db();
    expect(read.prepare('SELECT status, due FROM projects WHERE name = ?').get('Apollo')).toEqual({ status: 'done', due: '2026-03-15' });
    const changes = read.prepare('SELECT project, from_status, to_status, changed_by, idempotency_key FROM status_changes ORDER BY id').all();
    expect(changes).toEqual([
      { project: 'Apollo', from_status: 'in_progress', to_status: 'done', changed_by: 'tester', idempotency_key: 'k1' },
      { project: 'Apollo', from_status: 'done', to_status: 'done', changed_by: 'tester', idempotency_key: 'k2' },
    ]);
    read.close();
  });

  it('update_status refuses an unknown project without writing', async () => {
    expect(await run('update_status', { project: 'Zeus', status: 'todo' })).toMatch(/^I don't know a project called "Zeus"\. Projects: Apollo, Artemis, /);
    const read = db();
    expect(read.prepare("SELECT count(*) AS n FROM status_changes WHERE project = 'Zeus'").get()).toEqual({ n: 0 });
    read.close();
  });

  it('lookup_employee finds people by part of their name', async () => {
    expect(await run('lookup_employee', { name: 'grace' })).toBe('Grace Hopper is Principal Engineer in Platform: grace.hopper@example.com, +1 555 0102.');
    expect(await run('lookup_employee', { name: 'Nobody' })).toBe("I couldn't find anyone called Nobody in the directory.");
  });

  it('schedule_meeting books once and refuses a double booking', async () => {
    const when = '2026-03-12T15:00:00Z';
    expect(await run('schedule_meeting', { person: 'Ada', when, topic: 'the budget' })).toBe(
      'Booked a meeting with Ada Lovelace on 2026-03-12 15:00 UTC about the budget.',
    );
    expect(await run('schedule_meeting', { person: 'Ada Lovelace', when })).toBe('Ada Lovelace already has a meeting at 2026-03-12 15:00 UTC.');
    const read = db();
    expect(read.prepare('SELECT person, starts_at, topic FROM meetings').all()).toEqual([
      { person: 'Ada Lovelace', starts_at: '2026-03-12T15:00:00.000Z', topic: 'the budget' },
    ]);
    read.close();
  });
});

function context(idempotencyKey: string): ActionContext {
  return {
    user: 'tester',
    text: '',
    conversationId: 'c1',
    traceId: 't1',
    tenant: 'default',
    attempt: 1,
    idempotencyKey,
    signal: new AbortController().signal,
  };
}

describe('examples/ops-bot', () => {
  // The example is the ops template kept as source; it must not drift from what `bot init` writes.
  it('has the same intents, actions, data, fixtures and lib as the ops template', async () => {
    const template = findTemplate('ops')?.dir as string;
    const example = path.resolve(template, '../../../../examples/ops-bot');
    for (const dir of ['intents', 'actions', 'data', 'fixtures', 'lib']) {
      const files = (await readdir(path.join(template, dir))).sort();
      expect((await readdir(path.join(example, dir))).sort(), dir).toEqual(files);
      for (const file of files) {
        expect(await readFile(path.join(example, dir, file), 'utf8'), `${dir}/${file}`).toBe(await readFile(path.join(template, dir, file), 'utf8'));
      }
    }
  });
});
