// `bot check`: load the whole project and report every problem with file and line.
import path from 'node:path';
import { formatLocation, loadProject, type Problem } from '@inputbot/runtime/project';
import { EXIT } from '../errors.ts';
import type { Logger } from '../output/logger.ts';
import { color, symbols } from '../output/theme.ts';
import { resolveProjectDir } from '../project-dir.ts';

export interface CheckOptions {
  json?: boolean;
}

export async function checkCommand(dir: string, options: CheckOptions, logger: Logger): Promise<number> {
  const root = resolveProjectDir(dir);
  const { project, problems } = await loadProject(root);
  const errors = problems.filter((p) => p.severity === 'error');
  const exitCode = problems.some((p) => p.code === 'CONFIG_MISSING') ? EXIT.usage : errors.length ? EXIT.failed : EXIT.ok;
  const summary = project && {
    name: project.config.name,
    intents: project.intents.length,
    examples: project.examples.length,
    actions: project.actions.length,
    fixtures: project.fixtures.length,
  };
  if (options.json) {
    logger.info(JSON.stringify({ ok: exitCode === EXIT.ok, root, summary: summary ?? null, problems }, null, 2));
    return exitCode;
  }
  for (const problem of problems) logger.info(formatProblem(problem));
  if (problems.length) logger.info('');
  const relative = path.relative(process.cwd(), root);
  const where = relative === '' ? '.' : relative.startsWith('..') ? root : relative;
  if (errors.length === 0 && summary) {
    const warnings = problems.length ? `, ${problems.length} warning${problems.length === 1 ? '' : 's'}` : '';
    logger.success(
      `${summary.name} (${where}): ${summary.intents} intents, ${summary.examples} examples, ${summary.actions} actions, ${summary.fixtures} fixtures — no problems${warnings}`,
    );
  } else {
    const warnings = problems.length - errors.length;
    logger.error(
      `${where}: ${errors.length} problem${errors.length === 1 ? '' : 's'}${warnings ? ` and ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`,
    );
  }
  return exitCode;
}

export function formatProblem(problem: Problem): string {
  const mark = problem.severity === 'error' ? symbols.fail : symbols.warn;
  return `${mark} ${color.bold(formatLocation(problem))} ${color.dim(problem.code)}\n  ${problem.message}`;
}
