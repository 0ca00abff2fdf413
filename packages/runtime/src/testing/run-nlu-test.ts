// Trains the project's NLU and scores it on fixtures or by cross-validation: the engine of `bot test`.
import { createRecognizer, type Recognizer } from '../nlu/index.ts';
import type { LlmClientOptions } from '../nlu/llm-recognizer.ts';
import { warmUp } from '../nlu/warm-up.ts';
import type { Project } from '../project/types.ts';
import { makeFolds } from './cross-validate.ts';
import type { TestReport } from './report.ts';
import { type ScoreOptions, scoreFixtures, type TestCase } from './score.ts';

export interface NluTestOptions {
  /** Where trained models are cached (`<project>/.bot/nlu`); none: always train. */
  cacheDir?: string;
  /** k-fold cross-validation over the training examples instead of the fixtures. */
  crossValidate?: number;
  thresholds?: ScoreOptions['thresholds'];
  now?: Date;
  onCase?: ScoreOptions['onCase'];
  onProgress?: (phase: 'training' | 'scoring', done: number, total: number) => void;
  /** Where `nlu.mode` llm and cascade reach the model; its `fetch` may be a cassette's (record/replay). */
  llm?: LlmClientOptions;
}

/** Scores the project's NLU, in its configured `nlu.mode`, on its fixtures (or by k-fold cross-validation). */
export async function runNluTest(project: Project, options: NluTestOptions = {}): Promise<TestReport> {
  const progress = options.onProgress;
  if (options.crossValidate) return crossValidate(project, options.crossValidate, options);
  const recognizer = await createRecognizer(project, {
    cacheDir: options.cacheDir,
    llm: options.llm,
    onProgress: progress && ((done, total) => progress('training', done, total)),
  });
  // Latencies are the steady state's, as a running bot's nlp service has them (it warms up the same way).
  warmUp(recognizer, project);
  const cases: TestCase[] = project.fixtures;
  return scoreFixtures(cases, (testCase, parseOptions) => recognizer.parseAsync(testCase.text, parseOptions), {
    thresholds: options.thresholds,
    now: options.now,
    onCase: options.onCase,
    training: { ms: recognizer.trainMs, fromCache: recognizer.fromCache, examples: project.examples.length, intents: project.intents.length },
    onProgress: progress && ((done, total) => progress('scoring', done, total)),
  });
}

async function crossValidate(project: Project, k: number, options: NluTestOptions): Promise<TestReport> {
  const folds = makeFolds(project, k);
  const recognizers: Recognizer[] = [];
  let trainMs = 0;
  for (const [i, fold] of folds.entries()) {
    const recognizer = await createRecognizer(fold.train, { llm: options.llm });
    trainMs += recognizer.trainMs;
    recognizers.push(warmUp(recognizer, fold.train));
    options.onProgress?.('training', i + 1, folds.length);
  }
  // Score every held-out case with the model of its own fold, as one report.
  const cases = folds.flatMap((fold, i) => fold.test.map((c) => ({ ...c, fold: i })));
  return scoreFixtures(cases, (testCase, parseOptions) => (recognizers[testCase.fold] as Recognizer).parseAsync(testCase.text, parseOptions), {
    thresholds: options.thresholds,
    now: options.now,
    onCase: options.onCase,
    training: { ms: trainMs, fromCache: false, examples: project.examples.length, intents: project.intents.length },
    onProgress: options.onProgress && ((done, total) => options.onProgress?.('scoring', done, total)),
  });
}
