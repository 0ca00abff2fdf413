// `bot dlq list` and `bot dlq replay <id|--all>`: inspect and replay messages that exhausted their attempts.

import { withBroker } from '../dev/state-files.ts';
import { CliError, EXIT } from '../errors.ts';
import type { Logger } from '../output/logger.ts';
import { color, symbols } from '../output/theme.ts';
import { projectDirOf, resolveProjectDir } from '../project-dir.ts';

export async function dlqListCommand(dir: string | undefined, options: { dir: string; json?: boolean }, logger: Logger): Promise<number> {
  const letters = await withBroker(projectDirOf(dir, options.dir), (broker) => broker.listDeadLetters());
  if (options.json) logger.info(JSON.stringify(letters, null, 2));
  else if (letters.length === 0) logger.info(`${symbols.ok} no dead letters`);
  else
    for (const letter of letters) {
      logger.info(`${color.bold(letter.id)} ${letter.topic}/${letter.group} · ${letter.attempts} attempts · ${new Date(letter.deadAt).toISOString()}`);
      logger.info(`  ${color.red(letter.error.code)} ${letter.error.message}`);
      logger.info(color.dim(`  ${JSON.stringify(letter.payload).slice(0, 200)}`));
    }
  return EXIT.ok;
}

export async function dlqReplayCommand(id: string | undefined, options: { dir: string; all?: boolean }, logger: Logger): Promise<number> {
  if (!id && !options.all) throw new CliError('DLQ_USAGE', 'name a dead letter id (bot dlq list shows them) or pass --all');
  const replayed = await withBroker(resolveProjectDir(options.dir), (broker) => broker.replayDeadLetter(options.all ? 'all' : (id as string)));
  if (replayed === 0) throw new CliError('DLQ_NOT_FOUND', id ? `no dead letter ${id}` : 'no dead letters to replay', EXIT.failed);
  logger.success(`replayed ${replayed} message${replayed === 1 ? '' : 's'}`);
  return EXIT.ok;
}
