// Loads a bot project from disk: config, intents, training data, actions and fixtures, with every problem located.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { isAction } from '../define/action.ts';
import { isAnnotationError, parseAnnotatedExample } from '../define/annotations.ts';
import { BotConfigSchema } from '../define/bot.ts';
import { describeEntities } from '../define/entity-spec.ts';
import { type Intent, isIntent, NONE_INTENT } from '../define/intent.ts';
import { isPrompt, templateVariables } from '../define/prompt.ts';
import { readFixtures } from './fixtures.ts';
import { createModuleLoader, type ModuleLoader } from './module-loader.ts';
import { type Problem, Problems } from './problems.ts';
import { locateInSource } from './source-text.ts';
import { type RawExample, readTrainingData } from './training-data.ts';
import type { Project, ProjectAction, ProjectIntent, ProjectPrompt, SourceLocation, TrainingExample } from './types.ts';

export interface LoadProjectOptions {
  /** Import `actions/` too (the executor and `bot check` do; the NLU does not need them). @default true */
  actions?: boolean;
  /** Fixture files to read instead of `fixtures/`. */
  fixtureFiles?: string[];
}

export interface LoadProjectResult {
  /** The project, or undefined when it cannot be loaded at all (no or broken bot.config.ts). */
  project: Project | undefined;
  problems: Problem[];
}

/** The names a project's config may have, in the order they are looked for. */
export const CONFIG_FILES = ['bot.config.ts', 'bot.config.mts', 'bot.config.js', 'bot.config.mjs'] as const;
const TS_FILE = /\.(?:[cm]?ts|[cm]?js)$/;
const DATA_FILE = /\.(?:ya?ml|jsonl)$/;

/** Loads the project at `root`. Never throws for a problem in the project: it is in `problems`. */
export async function loadProject(root: string, options: LoadProjectOptions = {}): Promise<LoadProjectResult> {
  const absRoot = path.resolve(root);
  const problems = new Problems();
  const loader = createModuleLoader(absRoot);
  try {
    // Every TypeScript file of the load is compiled in one build, so that files importing one helper share it.
    const configName = CONFIG_FILES.find((f) => existsSync(path.join(absRoot, f)));
    const intentFiles = await listFiles(absRoot, 'intents', TS_FILE);
    const actionFiles = options.actions === false ? [] : await listFiles(absRoot, 'actions', TS_FILE);
    const promptFiles = await listFiles(absRoot, 'prompts', TS_FILE);
    const configFiles = configName ? [path.join(absRoot, configName)] : [];
    await loader.prepare([...configFiles, ...intentFiles, ...actionFiles, ...promptFiles]);
    const config = await loadConfig(absRoot, configName, loader, problems);
    if (config && config.broker.kind !== 'sqlite') {
      problems.warn('BROKER_NOT_AVAILABLE', brokerNotAvailable(config.broker.kind), { file: configName as string });
    }
    const broken: BrokenIntentFiles = { sources: [] };
    const intents = await loadIntents(absRoot, intentFiles, loader, problems, broken);
    const dataFiles = await listFiles(absRoot, 'data', DATA_FILE);
    const dataExamples = await readTrainingData(absRoot, dataFiles, problems);
    const { projectIntents, examples } = resolveIntents(intents, dataExamples, problems);
    if (config) checkExampleCounts(projectIntents, examples, config.nlu.minExamples, problems);
    const actions = await loadActions(absRoot, actionFiles, loader, projectIntents, problems, broken);
    const fixtureFiles = options.fixtureFiles?.map((f) => path.resolve(f)) ?? (await listFiles(absRoot, 'fixtures', DATA_FILE));
    const fixtures = await readFixtures(absRoot, fixtureFiles, problems);
    checkFixtures(fixtures, projectIntents, problems, broken);
    const prompts = await loadPrompts(absRoot, promptFiles, loader, problems);
    const project = config ? { root: absRoot, config, intents: projectIntents, examples, actions, fixtures, prompts } : undefined;
    return { project, problems: problems.list };
  } finally {
    await loader.close();
  }
}

async function loadConfig(root: string, name: string | undefined, loader: ModuleLoader, problems: Problems) {
  if (!name) {
    problems.error('CONFIG_MISSING', `no ${CONFIG_FILES[0]} in ${root}: is this a bot project? (\`bot init\` creates one)`, {
      file: CONFIG_FILES[0] as string,
    });
    return undefined;
  }
  const imported = await loader.import(path.join(root, name));
  if (!imported.ok) {
    problems.error(imported.code, imported.message, imported.at);
    return undefined;
  }
  const parsed = BotConfigSchema.safeParse(imported.exports.default);
  if (parsed.success) return parsed.data;
  const source = await readFile(path.join(root, name), 'utf8');
  for (const issue of parsed.error.issues) {
    const key = issue.path.map(String).at(-1) ?? 'defineBot';
    const where = issue.path.length ? issue.path.join('.') : 'default export';
    const hint = imported.exports.default === undefined ? ' (export default defineBot({...}))' : '';
    problems.error('CONFIG_INVALID', `${where}: ${issue.message}${hint}`, { file: name, ...locateInSource(source, `${key}:`, key) });
  }
  return undefined;
}

/** Intent files that failed to load: a name written in one may be declared there, so it is not reported as unknown. */
interface BrokenIntentFiles {
  sources: string[];
}

function mayBeDeclaredIn(broken: BrokenIntentFiles, name: string): boolean {
  return broken.sources.some((source) => source.includes(`'${name}'`) || source.includes(`"${name}"`) || source.includes(`\`${name}\``));
}

interface DeclaredIntent {
  intent: Intent;
  source: SourceLocation;
  examples: RawExample[];
}

async function loadIntents(root: string, files: string[], loader: ModuleLoader, problems: Problems, broken: BrokenIntentFiles): Promise<DeclaredIntent[]> {
  const declared: DeclaredIntent[] = [];
  for (const file of files) {
    const rel = path.relative(root, file);
    const imported = await loader.import(file);
    if (!imported.ok) {
      problems.error(imported.code, imported.message, imported.at);
      broken.sources.push(await readFile(file, 'utf8'));
      continue;
    }
    const found = uniqueValues(imported.exports).filter(isIntent);
    if (found.length === 0) {
      problems.error('MODULE_EMPTY', 'exports no intent: export default defineIntent({...})', { file: rel });
      continue;
    }
    const source = await readFile(file, 'utf8');
    for (const intent of found) {
      const at = { file: rel, ...locateInSource(source, `'${intent.name}'`, `"${intent.name}"`, 'defineIntent') };
      const examples = intent.examples.map((annotated) => ({ intent: intent.name, annotated, source: { file: rel, ...locateInSource(source, annotated) } }));
      declared.push({ intent, source: at, examples });
    }
  }
  return declared;
}

function resolveIntents(declared: DeclaredIntent[], dataExamples: RawExample[], problems: Problems) {
  const byName = new Map<string, ProjectIntent>();
  // Examples of a rejected duplicate are dropped with it, so they do not raise errors against the first.
  const raw: RawExample[] = [];
  for (const { intent, source, examples: declaredExamples } of declared) {
    const first = byName.get(intent.name);
    if (first) {
      problems.error(
        'INTENT_DUPLICATE',
        `intent "${intent.name}" is declared twice; first at ${first.source.file}${first.source.line ? `:${first.source.line}` : ''}`,
        source,
      );
      continue;
    }
    raw.push(...declaredExamples);
    if (intent.name === NONE_INTENT && Object.keys(intent.entities.shape).length > 0) {
      problems.error('INTENT_INVALID', `"${NONE_INTENT}" is the reserved out-of-scope intent and cannot have entities`, source);
    }
    const entities = describeEntities(intent.entities);
    byName.set(intent.name, {
      name: intent.name,
      description: intent.description,
      entities,
      schema: intent.entities,
      confirm: intent.confirm,
      declared: true,
      source,
    });
  }
  raw.push(...dataExamples);
  const examples: TrainingExample[] = [];
  const inferred = new Map<string, Set<string>>();
  for (const example of raw) {
    const parsed = parseAnnotatedExample(example.annotated);
    if (isAnnotationError(parsed)) {
      problems.error('ANNOTATION_SYNTAX', `${parsed.message} in "${example.annotated}"`, example.source);
      continue;
    }
    const intent = byName.get(example.intent);
    if (intent?.declared) {
      const known = new Set(intent.entities.map((e) => e.name));
      const unknown = parsed.entities.filter((e) => !known.has(e.entity));
      for (const span of unknown) {
        const hint = known.size ? ` (it has: ${[...known].join(', ')})` : ' (it declares no entities)';
        problems.error('ENTITY_UNKNOWN', `"[${span.text}](${span.entity})": intent "${intent.name}" has no entity "${span.entity}"${hint}`, example.source);
      }
      if (unknown.length) continue;
    } else {
      const names = inferred.get(example.intent) ?? new Set<string>();
      for (const span of parsed.entities) names.add(span.entity);
      inferred.set(example.intent, names);
      if (!intent) {
        byName.set(example.intent, {
          name: example.intent,
          description: '',
          entities: [],
          schema: z.object({}),
          confirm: false,
          declared: false,
          source: example.source,
        });
      }
    }
    examples.push({ intent: example.intent, text: parsed.text, entities: parsed.entities, source: example.source });
  }
  // Intents known only from data files: entities are optional strings named by their annotations.
  for (const [name, entityNames] of inferred) {
    const intent = byName.get(name) as ProjectIntent;
    if (intent.declared) continue;
    const shape = Object.fromEntries([...entityNames].sort().map((e) => [e, z.string().optional()]));
    intent.schema = z.object(shape);
    intent.entities = describeEntities(intent.schema);
    if (name === NONE_INTENT && entityNames.size > 0) {
      problems.error('INTENT_INVALID', `"${NONE_INTENT}" examples cannot carry entity annotations`, intent.source);
    }
  }
  return { projectIntents: [...byName.values()], examples };
}

function checkExampleCounts(intents: ProjectIntent[], examples: TrainingExample[], min: number, problems: Problems) {
  const counts = new Map<string, number>();
  for (const e of examples) counts.set(e.intent, (counts.get(e.intent) ?? 0) + 1);
  for (const intent of intents) {
    const n = counts.get(intent.name) ?? 0;
    if (n < min)
      problems.error(
        'INTENT_FEW_EXAMPLES',
        `intent "${intent.name}" has ${n} example${n === 1 ? '' : 's'}; at least ${min} are needed to learn it (nlu.minExamples)`,
        intent.source,
      );
  }
}

async function loadActions(
  root: string,
  files: string[],
  loader: ModuleLoader,
  intents: ProjectIntent[],
  problems: Problems,
  broken: BrokenIntentFiles,
): Promise<ProjectAction[]> {
  const known = new Set(intents.map((i) => i.name));
  const actions: ProjectAction[] = [];
  for (const file of files) {
    const rel = path.relative(root, file);
    const imported = await loader.import(file);
    if (!imported.ok) {
      problems.error(imported.code, imported.message, imported.at);
      continue;
    }
    const found = uniqueValues(imported.exports).filter(isAction);
    if (found.length === 0) {
      problems.error('MODULE_EMPTY', 'exports no action: export default defineAction(intent, {...})', { file: rel });
      continue;
    }
    const source = await readFile(file, 'utf8');
    for (const action of found) {
      const at = { file: rel, ...locateInSource(source, 'defineAction(') };
      if (!known.has(action.intent)) {
        if (mayBeDeclaredIn(broken, action.intent)) continue;
        const declaredNames = [...known].filter((n) => n !== NONE_INTENT);
        problems.error('ACTION_UNKNOWN_INTENT', `action for "${action.intent}", which is not a declared intent${suggest(action.intent, declaredNames)}`, at);
        continue;
      }
      const other = actions.find((a) => a.intent === action.intent);
      if (other) {
        problems.error('ACTION_DUPLICATE', `a second action for "${action.intent}"; the first is in ${other.source.file}`, at);
        continue;
      }
      actions.push({ intent: action.intent, action: action as ProjectAction['action'], source: at });
    }
  }
  return actions;
}

function checkFixtures(fixtures: Project['fixtures'], intents: ProjectIntent[], problems: Problems, broken: BrokenIntentFiles) {
  const byName = new Map(intents.map((i) => [i.name, i]));
  for (const fixture of fixtures) {
    const intent = byName.get(fixture.intent);
    if (!intent && fixture.intent !== NONE_INTENT) {
      if (mayBeDeclaredIn(broken, fixture.intent)) continue;
      problems.error(
        'FIXTURE_UNKNOWN_INTENT',
        `fixture "${fixture.text}" expects intent "${fixture.intent}", which is not declared${suggest(fixture.intent, [...byName.keys()])}`,
        fixture.source,
      );
      continue;
    }
    const known = new Set(intent?.entities.map((e) => e.name) ?? []);
    for (const name of Object.keys(fixture.entities ?? {})) {
      if (!known.has(name))
        problems.error(
          'FIXTURE_UNKNOWN_ENTITY',
          `fixture "${fixture.text}" expects entity "${name}", which intent "${fixture.intent}" does not have`,
          fixture.source,
        );
    }
  }
}

async function loadPrompts(root: string, files: string[], loader: ModuleLoader, problems: Problems): Promise<ProjectPrompt[]> {
  const prompts: ProjectPrompt[] = [];
  for (const file of files) {
    const rel = path.relative(root, file);
    const imported = await loader.import(file);
    if (!imported.ok) {
      problems.error(imported.code, imported.message, imported.at);
      continue;
    }
    const found = uniqueValues(imported.exports).filter(isPrompt);
    if (found.length === 0) {
      problems.error('MODULE_EMPTY', 'exports no prompt: export default definePrompt({...})', { file: rel });
      continue;
    }
    const source = await readFile(file, 'utf8');
    for (const prompt of found) {
      const at = { file: rel, ...locateInSource(source, `'${prompt.name}'`, `"${prompt.name}"`, 'definePrompt') };
      const first = prompts.find((p) => p.name === prompt.name);
      if (first) {
        problems.error(
          'PROMPT_DUPLICATE',
          `prompt "${prompt.name}" is declared twice; first at ${first.source.file}${first.source.line ? `:${first.source.line}` : ''}`,
          at,
        );
        continue;
      }
      const known = Object.keys(prompt.input.shape);
      const unknown = templateVariables(prompt.template).filter((v) => !known.includes(v));
      for (const name of unknown) {
        const hint = known.length ? ` (it has: ${known.join(', ')})` : ' (it declares no fields)';
        problems.error('PROMPT_TEMPLATE_VARIABLE', `prompt "${prompt.name}": the template uses {{${name}}}, which its input schema lacks${hint}`, {
          file: rel,
          ...locateInSource(source, `{{${name}}}`, `{{ ${name} }}`),
        });
      }
      if (!unknown.length) prompts.push({ name: prompt.name, prompt, source: at });
    }
  }
  return prompts;
}

/** Files under `root/dir` matching `pattern`, sorted, recursively; none if the folder is absent. */
async function listFiles(root: string, dir: string, pattern: RegExp): Promise<string[]> {
  const base = path.join(root, dir);
  if (!existsSync(base)) return [];
  const entries = await readdir(base, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && pattern.test(e.name) && !e.name.endsWith('.d.ts') && !/\.test\.[cm]?[jt]s$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

function uniqueValues(exports: Record<string, unknown>): unknown[] {
  return [...new Set(Object.values(exports))];
}

function suggest(name: string, candidates: string[]): string {
  const close = candidates.find((c) => editDistance(c, name) <= Math.max(1, Math.floor(name.length / 4)));
  return close ? ` (did you mean "${close}"?)` : '';
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] as number;
}

/** Why a project whose broker is not sqlite cannot run yet: the NATS adapter is still to come. */
export function brokerNotAvailable(kind: string): string {
  return `broker.kind is '${kind}', which this version cannot run yet (only the embedded sqlite broker is built): bot dev refuses it; set broker: { kind: 'sqlite' } to run the bot`;
}
