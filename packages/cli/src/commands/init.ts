// `bot init`: create a bot project from a template, linked to this CLI's runtime when it can be.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { findTemplate } from '@inputbot/templates';
import { CliError, EXIT, isCliError } from '../errors.ts';
import type { Logger } from '../output/logger.ts';
import { color, symbols } from '../output/theme.ts';
import { copyTemplate } from '../scaffold/copy-template.ts';
import { fillTemplate } from '../scaffold/fill-template.ts';
import { findWorkspace, type LinkResult, linkDependencies } from '../scaffold/link-runtime.ts';
import { askInitChoices, type InitFlags } from '../scaffold/prompts.ts';
import { defaultDirFor } from '../scaffold/validate-name.ts';
import { writeProject } from '../scaffold/write-project.ts';

export interface InitOptions extends InitFlags {
  yes?: boolean;
  force?: boolean;
  /** false with --no-link. */
  link: boolean;
}

export async function initCommand(dir: string | undefined, options: InitOptions, logger: Logger): Promise<number> {
  if (options.template && !findTemplate(options.template)) {
    throw new CliError('UNKNOWN_TEMPLATE', `unknown template "${options.template}" (choose starter or ops)`);
  }
  // Check a target given up front before asking anything: answering questions to then be refused is worse.
  if (dir !== undefined) checkTarget(dir, options.force);
  const interactive = !options.yes && isInteractiveTerminal();
  const { choices, assumed } = await askInitChoices(options, { interactive, dir });
  if (assumed.length && !options.yes) {
    logger.warn(`not an interactive terminal: using ${assumed.join(', ')} (pass flags, or --yes to accept defaults quietly)`);
  }
  const targetDir = dir ?? defaultDirFor(choices.name);
  if (dir === undefined) checkTarget(targetDir, options.force);
  const target = path.resolve(targetDir);
  const template = findTemplate(choices.template);
  if (!template) throw new CliError('UNKNOWN_TEMPLATE', `unknown template "${choices.template}" (choose starter or ops)`);

  const workspace = options.link ? findWorkspace() : undefined;
  let links: LinkResult | undefined;
  await writeProject(target, async (temp) => {
    await copyTemplate(template.dir, temp);
    await fillTemplate(temp, choices);
    if (workspace) links = await linkDependencies(temp, workspace);
  }).catch((error: NodeJS.ErrnoException) => {
    if (isCliError(error) || !error.code) throw error;
    throw new CliError('WRITE_FAILED', `could not write ${targetDir}: ${error.message}; nothing was left behind`, EXIT.failed);
  });

  const where = path.relative(process.cwd(), target) || '.';
  logger.success(`created ${color.bold(choices.name)} in ${where} from the ${choices.template} template (nlu: ${choices.nlu}, broker: ${choices.broker})`);
  if (links && workspace) logger.success(`linked ${links.linked.join(', ')} from this checkout (${path.dirname(workspace.runtime)}): no install needed`);
  const needsInstall = !links || links.missing.length > 0;
  if (links?.missing.length) logger.warn(`could not link ${links.missing.join(', ')} from this CLI: run npm install`);
  else if (!links)
    logger.info(`${symbols.info} ${options.link ? 'this CLI is an installed package, so' : '--no-link:'} dependencies are not linked: run npm install`);

  logger.info('');
  logger.info('Next steps:');
  const steps = [
    where === '.' ? undefined : `cd ${where.includes(' ') ? JSON.stringify(where) : where}`,
    needsInstall ? 'npm install' : undefined,
    'npx bot check   # load the project and report problems',
    'npx bot test    # train the NLU and score the fixtures',
    'npx bot dev     # run the bot locally',
  ];
  for (const step of steps) if (step) logger.info(`  ${step}`);
  if (choices.nlu !== 'local') logger.info(`\n${symbols.info} nlu ${choices.nlu} calls an LLM: copy .env.example to .env and set your provider key`);
  if (choices.broker === 'nats')
    logger.warn(
      'broker nats is not built yet: bot check warns and bot dev refuses it until the NATS adapter lands (it will need a NATS server with JetStream and NATS_URL); set broker.kind to sqlite to run the bot now',
    );
  return EXIT.ok;
}

/** Refuses a target that is a file, or a non-empty folder without --force. */
function checkTarget(dir: string, force: boolean | undefined): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new CliError('TARGET_NOT_DIR', `${dir} exists and is not a folder`);
  const entries = readdirSync(dir);
  if (entries.length && !force) {
    throw new CliError(
      'TARGET_NOT_EMPTY',
      `${dir} is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}): choose another folder, or pass --force to write over it`,
    );
  }
}

// Decided once: a terminal on both ends and not CI. --yes overrides it.
function isInteractiveTerminal(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY) && !process.env.CI;
}
