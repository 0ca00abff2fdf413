// createRecognizer: a project's NLU, trained once and cached on disk, with every entity checked by its schema.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { NluMode } from '../define/bot.ts';
import type { Project } from '../project/types.ts';
import { checkEntities } from './check-entities.ts';
import type { LlmClientOptions } from './llm-recognizer.ts';
import { loadModel } from './load-model.ts';
import { ENGINE_VERSION } from './model-json.ts';
import type { NluModel } from './nlu-model.ts';
import { DEFAULT_HYPERPARAMETERS, trainModel } from './train-model.ts';
import type { NluParseOptions, NluResult, NluTrainingData } from './types.ts';

export interface RecognizerOptions {
  /** Where trained models are cached (the CLI passes `<project>/.bot/nlu`); no cache when absent. */
  cacheDir?: string;
  /** Called as training advances; not called when the model comes from the cache. */
  onProgress?: (done: number, total: number) => void;
  /** Where `nlu.mode` `llm` and `cascade` reach the model (the gateway's `/llm/v1`); required for those modes. */
  llm?: LlmClientOptions;
}

/** A project's recognizer: both parses return only entities that pass the intent's schema. */
export interface Recognizer {
  /** The configured mode (`nlu.mode`); `parseAsync` follows it. */
  mode: NluMode;
  /** The local engine alone: synchronous, no network. */
  parse(text: string, options?: NluParseOptions): NluResult;
  /** The configured mode: the local engine, the LLM, or the local engine then the LLM when unsure (`cascade`). */
  parseAsync(text: string, options?: NluParseOptions): Promise<NluResult>;
  /** True when the model was loaded from the cache instead of trained. */
  fromCache: boolean;
  /** Milliseconds spent training (0 from the cache). */
  trainMs: number;
}

const MODEL_FILE = /^model-[0-9a-f]+\.json$/;

/** A project in `llm` or `cascade` mode without an LLM endpoint: a setup mistake, reported before any parse. */
export class NluConfigError extends Error {
  override readonly name = 'NluConfigError';
  readonly code = 'NLU_LLM_URL_MISSING';
  readonly nonRetryable = true;
}

/**
 * Trains (or loads from the cache) the local model for `project` and returns its recognizer; in `llm` and
 * `cascade` mode the local engine stays as the cascade's first step and the fallback for invalid LLM output.
 */
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
  const parse = (text: string, parseOptions?: NluParseOptions): NluResult => {
    const result = trained.parse(text, parseOptions);
    const schema = schemas.get(parseOptions?.intent ?? result.intent.name);
    const checked = checkEntities(result.entities, schema);
    return { ...result, entities: checked.entities, rejected: [...result.rejected, ...checked.rejected], path: 'local' };
  };
  const local: Recognizer = { mode: 'local', fromCache, trainMs, parse, parseAsync: async (text, parseOptions) => parse(text, parseOptions) };
  const mode = project.config.nlu.mode;
  if (mode === 'local') return local;
  if (!options.llm) {
    throw new NluConfigError(`nlu.mode is "${mode}" but no LLM endpoint is configured: point INPUTBOT_LLM_URL at the gateway's /llm/v1`);
  }
  // Imported only in the LLM modes: the openai SDK is ~10 MB of memory a local-mode nlp process never needs.
  const { createLlmRecognizer } = await import('./llm-recognizer.ts');
  return createLlmRecognizer(project, local, mode, options.llm);
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
