// `bot add intent <name>`: write an intent, its action and a fixture in the project's style, and keep it passing `bot check`.
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatLocation, loadProject, type Problem } from '@inputbot/runtime/project';
import { CliError, EXIT } from '../errors.ts';
import type { Logger } from '../output/logger.ts';
import { color, symbols } from '../output/theme.ts';
import { resolveProjectDir } from '../project-dir.ts';
import { appendFixture } from '../scaffold/append-fixture.ts';
import { actionReply, fixtureText, placeholderExamples, renderAction, renderIntent } from '../scaffold/intent-source.ts';
import { detectProjectStyle, intentFileName } from '../scaffold/project-style.ts';
import { intentNameProblem } from '../scaffold/validate-name.ts';
import { formatProblem } from './check.ts';

export interface AddIntentOptions {
  dir: string;
}

export async function addIntentCommand(name: string, options: AddIntentOptions, logger: Logger): Promise<number> {
  const problem = intentNameProblem(name);
  if (problem) throw new CliError('INVALID_INTENT_NAME', `"${name}" is not a valid intent name: ${problem}`);
  const root = resolveProjectDir(options.dir);
  const before = await loadProject(root);
  if (!before.project) {
    const reason = before.problems.find((p) => p.code === 'CONFIG_MISSING')
      ? 'no bot.config.ts here: is this a bot project?'
      : 'bot.config.ts does not load: run bot check';
    throw new CliError('NOT_A_PROJECT', `${options.dir}: ${reason}`);
  }
  const existing = before.project.intents.find((i) => i.name === name);
  if (existing) throw new CliError('INTENT_EXISTS', `intent "${name}" already exists (${formatLocation(existing.source)})`);

  const style = detectProjectStyle(root);
  const file = intentFileName(name, style);
  const intentPath = path.join('intents', `${file}${style.sourceExtension}`);
  const actionPath = path.join('actions', `${file}${style.sourceExtension}`);
  for (const rel of [intentPath, actionPath]) {
    if (existsSync(path.join(root, rel))) throw new CliError('FILE_EXISTS', `${rel} already exists: choose another name or remove it`);
  }

  const examples = placeholderExamples(name, before.project.config.nlu.minExamples);
  const written: string[] = [];
  const write = async (rel: string, text: string) => {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), text, { flag: 'wx' });
    written.push(rel);
  };
  await write(intentPath, renderIntent(name, examples, style));
  await write(actionPath, renderAction(name, file, style));
  const intentFiles = before.project.intents.map((i) => path.basename(i.source.file).replace(/\.[cm]?[jt]s$/, ''));
  const fixture = await appendFixture(root, style.fixtureFiles, { text: fixtureText(name), intent: name, reply: actionReply(name) }, file, intentFiles);

  // The project must still pass `bot check`: undo everything if the new files brought a problem.
  const after = await loadProject(root);
  const known = new Set(before.problems.map(problemKey));
  const introduced = after.problems.filter((p) => p.severity === 'error' && !known.has(problemKey(p)));
  if (introduced.length) {
    await Promise.all(written.map((rel) => rm(path.join(root, rel), { force: true })));
    await fixture.undo();
    for (const p of introduced) logger.info(formatProblem(p));
    logger.error(`adding "${name}" would break the project, so nothing was written (please report this)`);
    return EXIT.failed;
  }

  for (const rel of [intentPath, actionPath]) logger.success(`wrote ${rel}`);
  logger.success(`added a fixture to ${fixture.file}`);
  logger.info('');
  logger.info(`${symbols.warn} ${color.bold(intentPath)} has ${examples.length} placeholder examples made from the name ("${examples[0]}", …).`);
  logger.info('  Replace them with 10+ real messages, annotate entities inline, then run npx bot check and npx bot test.');
  return EXIT.ok;
}

function problemKey(p: Problem): string {
  return `${p.code}|${p.file}|${p.message}`;
}
