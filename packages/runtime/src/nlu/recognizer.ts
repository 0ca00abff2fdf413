// createRecognizer: a project's NLU, trained once and cached on disk, with every entity checked by its schema.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import type { Project } from '../project/types.ts';
import { loadModel } from './load-model.ts';
import { ENGINE_VERSION } from './model-json.ts';
import type { NluModel } from './nlu-model.ts';
import { DEFAULT_HYPERPARAMETERS, trainModel } from './train-model.ts';
import type { ExtractedEntity, NluParseOptions, NluResult, NluTrainingData, RejectedEntity } from './types.ts';

export interface RecognizerOptions {
  /** Where trained models are cached (the CLI passes `<project>/.bot/nlu`); no cache when absent. */
  cacheDir?: string;
  /** Called as training advances; not called when the model comes from the cache. */
  onProgress?: (done: number, total: number) => void;
}

/** A project's recognizer: `parse` returns only entities that pass the intent's schema. */
export interface Recognizer {
  parse(text: string, options?: NluParseOptions): NluResult;
  /** True when the model was loaded from the cache instead of trained. */
  fromCache: boolean;
  /** Milliseconds spent training (0 from the cache). */
  trainMs: number;
}

const MODEL_FILE = /^model-[0-9a-f]+\.json$/;

/** Trains (or loads from the cache) the model for `project` and returns its recognizer. */
export async function createRecognizer(project: Project, options: RecognizerOptions = {}): Promise<Recognizer> {
  const data: NluTrainingData = {
    intents: project.intents.map((i) => ({ name: i.name, entities: i.entities })),
    examples: project.examples.map((e) => ({
      intent: e.intent,
      text: e.text,
      entities: e.entities.map(({ entity, text, value, start, end }) => ({ entity, text, value, start, end })),
    })),
  };
  const threshold = project.config.nlu.threshold;
  const key = createHash('sha256')
    .update(JSON.stringify({ engine: ENGINE_VERSION, hyper: DEFAULT_HYPERPARAMETERS, threshold, data }))
    .digest('hex')
    .slice(0, 24);
  const file = options.cacheDir ? path.join(options.cacheDir, `model-${key}.json`) : undefined;
  let model = file ? await readCached(file) : undefined;
  const fromCache = model !== undefined;
  let trainMs = 0;
  if (!model) {
    const started = performance.now();
    model = trainModel(data, { threshold, onProgress: options.onProgress });
    trainMs = performance.now() - started;
    if (file) await writeCache(file, model);
  }
  const trained = model;
  const schemas = new Map(project.intents.map((i) => [i.name, i.schema]));
  return {
    fromCache,
    trainMs,
    parse(text, parseOptions) {
      const result = trained.parse(text, parseOptions);
      const schema = schemas.get(parseOptions?.intent ?? result.intent.name);
      const checked = checkEntities(result.entities, schema);
      return { ...result, entities: checked.entities, rejected: [...result.rejected, ...checked.rejected] };
    },
  };
}

// A model file that is missing, corrupt or from another engine version simply means "train again".
async function readCached(file: string): Promise<NluModel | undefined> {
  try {
    return loadModel(JSON.parse(await readFile(file, 'utf8')));
  } catch {
    return undefined;
  }
}

// Written to a temporary name and renamed, so a crash mid-write never leaves a half model behind;
// models of older training data are removed.
async function writeCache(file: string, model: NluModel): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(model.toJSON()));
  await rename(temp, file);
  for (const name of await readdir(dir)) {
    if (MODEL_FILE.test(name) && name !== path.basename(file)) await rm(path.join(dir, name), { force: true });
  }
}

function checkEntities(entities: ExtractedEntity[], schema: z.ZodObject | undefined): { entities: ExtractedEntity[]; rejected: RejectedEntity[] } {
  const accepted: ExtractedEntity[] = [];
  const rejected: RejectedEntity[] = [];
  for (const entity of entities) {
    const field = schema?.shape[entity.entity] as z.ZodType | undefined;
    if (!field) {
      rejected.push({ entity: entity.entity, text: entity.text, reason: 'the intent has no such entity' });
      continue;
    }
    const reason = validate(field, entity.value);
    if (reason === undefined) accepted.push(entity);
    else rejected.push({ entity: entity.entity, text: entity.text, reason });
  }
  return { entities: accepted, rejected };
}

// Datetimes travel as ISO strings; a `z.date()` field is checked against the instant they name.
function validate(field: z.ZodType, value: unknown): string | undefined {
  const parsed = field.safeParse(value);
  if (parsed.success) return undefined;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && field.safeParse(new Date(value)).success) return undefined;
  return parsed.error.issues.map((i) => i.message).join('; ');
}
