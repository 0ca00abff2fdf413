// `bot status`: what `bot dev` runs (services, pids, ports), queue depths and dead letters.
import { existsSync, readFileSync } from 'node:fs';
import type { DevState } from '../dev/dev-state.ts';
import { devStateFile } from '../dev/dev-state.ts';
import { withBroker } from '../dev/state-files.ts';
import { EXIT } from '../errors.ts';
import type { Logger } from '../output/logger.ts';
import { color, symbols } from '../output/theme.ts';
import { resolveProjectDir } from '../project-dir.ts';
import { table } from '../reporters/format.ts';

export async function statusCommand(dir: string, options: { json?: boolean }, logger: Logger): Promise<number> {
  const root = resolveProjectDir(dir);
  const file = devStateFile(root);
  const dev = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DevState) : undefined;
  const running = dev !== undefined && isAlive(dev.pid);
  const topics = await withBroker(root, (broker) => broker.stats()).catch(() => []);
  if (options.json) {
    logger.info(JSON.stringify({ running, dev: running ? dev : null, topics }, null, 2));
    return EXIT.ok;
  }
  if (!running || !dev) logger.info(`${symbols.info} bot dev is not running in ${root}`);
  else {
    logger.info(`${symbols.ok} bot dev (pid ${dev.pid}) since ${dev.startedAt} — ${dev.gatewayUrl ?? ''}`);
    logger.info(
      table(
        ['service', 'state', 'pid', 'port', 'restarts'],
        dev.services.map((s) => [s.name, s.pid && isAlive(s.pid) ? s.state : 'down', String(s.pid ?? ''), String(s.port ?? ''), String(s.restarts)]),
      ).join('\n'),
    );
  }
  if (topics.length) {
    logger.info('');
    const rows = topics.flatMap((t) =>
      t.groups.map((g) => [`${t.topic}/${g.group}`, String(g.ready), String(g.inFlight), String(g.retrying), String(g.deadLetters)]),
    );
    logger.info(table(['queue', 'ready', 'in flight', 'retrying', 'dead letters'], rows).join('\n'));
    const dead = topics.reduce((n, t) => n + t.deadLetters, 0);
    if (dead) logger.info(color.yellow(`\n${dead} dead letter${dead === 1 ? '' : 's'}: bot dlq list`));
  }
  return EXIT.ok;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
