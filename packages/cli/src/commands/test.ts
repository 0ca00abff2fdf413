// `bot test`: train the NLU on the project and score every fixture (or cross-validate the training data).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadProject } from '@inputbot/runtime/project';
import { type CaseOutcome, runNluTest } from '@inputbot/runtime/testing';
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
  progress: boolean;
}

export async function testCommand(dir: string, options: TestOptions, logger: Logger): Promise<number> {
  const root = resolveProjectDir(dir);
  const fixtureFiles = options.fixtures ? [path.resolve(options.fixtures)] : undefined;
  if (options.e2e && options.crossValidate)
    throw new CliError('USAGE', '--e2e and --cross-validate cannot be combined: --e2e sends fixtures to the running bot');
  const { project, problems } = await loadProject(root, { actions: Boolean(options.e2e), fixtureFiles });
  const errors = problems.filter((p) => p.severity === 'error');
  if (!project || errors.length) {
    for (const problem of errors) logger.error(formatProblem(problem));
    throw new CliError(
      'PROJECT_INVALID',
      `the project has ${errors.length} problem${errors.length === 1 ? '' : 's'}; fix them (bot check lists them) and run bot test again`,
    );
  }
  if (!options.crossValidate && project.fixtures.length === 0) {
    const where = options.fixtures ?? 'fixtures/';
    throw new CliError('NO_FIXTURES', `no fixtures in ${where}: add {text, intent, entities?} records there, or run bot test --cross-validate 5`);
  }
  if (project.config.nlu.mode !== 'local' && !options.json) {
    logger.warn(`nlu.mode is "${project.config.nlu.mode}": the LLM path is not available in this version, so the local engine is tested`);
  }
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
        thresholds,
        onCase,
        onProgress: (phase, done, total) => progress.update(phase, done, total),
      }).finally(() => progress.done());

  if (options.junit) {
    const file = path.resolve(options.junit);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, renderJunit(project.config.name, outcomes, report));
  }
  if (options.json) logger.info(JSON.stringify(report, null, 2));
  else {
    const mode = options.crossValidate ? `${options.crossValidate}-fold cross-validated local` : 'local';
    const setup = options.e2e ? `end to end through the gateway, runtime ready in ${(report.training.ms / 1000).toFixed(1)} s` : undefined;
    logger.info(renderTextReport(report, { name: project.config.name, mode, setup }));
    if (options.junit) logger.info(`JUnit report: ${path.relative(process.cwd(), path.resolve(options.junit))}`);
  }
  return report.passed ? EXIT.ok : EXIT.failed;
}
