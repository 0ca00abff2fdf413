// `bot test`: train the NLU on the project and score every fixture (or cross-validate the training data).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadProject } from '@inputbot/runtime/project';
import { type CaseOutcome, type Cassette, openCassette, runNluTest } from '@inputbot/runtime/testing';
import { CliError, EXIT } from '../errors.ts';
import type { Logger } from '../output/logger.ts';
import { createProgress } from '../output/progress.ts';
import { resolveProjectDir } from '../project-dir.ts';
import { renderJunit } from '../reporters/junit-report.ts';
import { renderTextReport } from '../reporters/text-report.ts';
import { formatProblem } from './check.ts';
import { runE2eTest } from './test-e2e.ts';

export interface TestOptions {
  fixtures?: string;
  json?: boolean;
  junit?: string;
  minAccuracy?: number;
  minEntityF1?: number;
  crossValidate?: number;
  e2e?: boolean;
  /** Save the run's LLM exchanges to this cassette file. */
  record?: string;
  /** Answer LLM requests from this cassette file: no network, no key. */
  replay?: string;
  progress: boolean;
}

export async function testCommand(dir: string, options: TestOptions, logger: Logger): Promise<number> {
  const root = resolveProjectDir(dir);
  const fixtureFiles = options.fixtures ? [path.resolve(options.fixtures)] : undefined;
  if (options.e2e && options.crossValidate)
    throw new CliError('USAGE', '--e2e and --cross-validate cannot be combined: --e2e sends fixtures to the running bot');
  if (options.record && options.replay) throw new CliError('USAGE', '--record and --replay cannot be combined: record once, then replay');
  if (options.e2e && (options.record || options.replay))
    throw new CliError('USAGE', '--record and --replay work on the NLU test; --e2e runs the whole bot, whose gateway reaches the LLM itself');
  const { project, problems } = await loadProject(root, { actions: Boolean(options.e2e), fixtureFiles });
  const errors = problems.filter((p) => p.severity === 'error');
  if (!project || errors.length) {
    for (const problem of errors) logger.stderr(formatProblem(problem));
    throw new CliError(
      'PROJECT_INVALID',
      `the project has ${errors.length} problem${errors.length === 1 ? '' : 's'}; fix them (bot check lists them) and run bot test again`,
    );
  }
  if (!options.crossValidate && project.fixtures.length === 0) {
    const where = options.fixtures ?? 'fixtures/';
    throw new CliError('NO_FIXTURES', `no fixtures in ${where}: add {text, intent, entities?} records there, or run bot test --cross-validate 5`);
  }
  const nluMode = project.config.nlu.mode;
  const cassette = await (options.record ? openCassette(options.record, 'record') : options.replay ? openCassette(options.replay, 'replay') : undefined)?.catch(
    reportLlmError,
  );
  const llm = nluMode === 'local' || options.e2e ? undefined : llmEndpoint(cassette);
  const configured = project.config.test.thresholds;
  const thresholds = {
    accuracy: options.minAccuracy ?? configured.accuracy,
    entityF1: options.minEntityF1 ?? configured.entityF1,
  };
  const progress = createProgress(options.progress);
  const outcomes: CaseOutcome[] = [];
  const onCase = options.junit ? (outcome: CaseOutcome) => outcomes.push(outcome) : undefined;
  const report = options.e2e
    ? await runE2eTest(project, { thresholds, progress, onCase })
    : await runNluTest(project, {
        cacheDir: options.crossValidate ? undefined : path.join(root, '.bot', 'nlu'),
        crossValidate: options.crossValidate,
        llm,
        // A replay scores at the time it was recorded: a prompt says what time it is, so another would miss.
        ...(cassette?.referenceTime && { now: cassette.referenceTime }),
        thresholds,
        onCase,
        onProgress: (phase, done, total) => progress.update(phase, done, total),
      })
        .catch(reportLlmError)
        .finally(() => progress.done());
  await cassette?.save();

  if (options.junit) {
    const file = path.resolve(options.junit);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, renderJunit(project.config.name, outcomes, report));
  }
  if (options.json) logger.info(JSON.stringify(report, null, 2));
  else {
    const mode = options.crossValidate ? `${options.crossValidate}-fold cross-validated ${nluMode}` : nluMode;
    const setup = options.e2e ? `end to end through the gateway, runtime ready in ${(report.training.ms / 1000).toFixed(1)} s` : undefined;
    logger.info(renderTextReport(report, { name: project.config.name, mode, setup }));
    if (options.junit) logger.info(`JUnit report: ${path.relative(process.cwd(), path.resolve(options.junit))}`);
    if (options.record) logger.info(`LLM cassette: ${path.relative(process.cwd(), path.resolve(options.record))} (${cassette?.size ?? 0} exchanges)`);
  }
  return report.passed ? EXIT.ok : EXIT.failed;
}

// The LLM endpoint of an llm/cascade test run: a cassette being replayed needs none; otherwise the gateway's
// /llm/v1 (of a running `bot dev`) or any OpenAI-compatible URL, from INPUTBOT_LLM_URL.
function llmEndpoint(cassette: Cassette | undefined) {
  const fetch = cassette?.fetch;
  if (cassette?.mode === 'replay') return { baseURL: 'http://replay.invalid/v1', fetch, onUnavailable: 'throw' as const };
  const baseURL = process.env.INPUTBOT_LLM_URL;
  if (!baseURL) {
    throw new CliError(
      'LLM_URL_MISSING',
      'nlu.mode needs an LLM: set INPUTBOT_LLM_URL to an OpenAI-compatible base URL (a running bot dev serves one at http://127.0.0.1:3000/llm/v1), or --replay a cassette recorded with --record',
    );
  }
  return { baseURL, apiKey: process.env.INPUTBOT_LLM_API_KEY, fetch, onUnavailable: 'throw' as const };
}

// A cassette miss, an unreadable cassette or an LLM that cannot be reached stops the run with one line (exit 2):
// falling back to the local engine would report the wrong engine's figures.
function reportLlmError(error: unknown): never {
  const { code, message, status } = error as { code?: unknown; message?: string; status?: unknown };
  if (typeof code === 'string' && code.startsWith('CASSETTE_')) throw new CliError(code, message ?? code);
  if (typeof status === 'number' || error?.constructor?.name === 'APIConnectionError') {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new CliError(
      'LLM_FAILED',
      `the LLM call failed${typeof status === 'number' ? ` with HTTP ${status}` : ''}: ${message}${cause ? ` (${cause})` : ''}; is INPUTBOT_LLM_URL right and the gateway running?`,
    );
  }
  throw error;
}
