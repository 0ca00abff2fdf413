// `bot service <name>`: run one service in this process — what `bot dev` starts four of, and what a
// Kubernetes container runs.
import { runService, SERVICE_NAMES, type ServiceName } from '@inputbot/runtime/services';
import { CliError } from '../errors.ts';
import type { Logger } from '../output/logger.ts';
import { resolveProjectDir } from '../project-dir.ts';

export interface ServiceCommandOptions {
  dir: string;
  port?: number;
  host?: string;
  receiverUrl?: string;
  stateDir?: string;
}

export async function serviceCommand(name: string, options: ServiceCommandOptions, _logger: Logger): Promise<number> {
  if (!SERVICE_NAMES.includes(name as ServiceName)) {
    throw new CliError('UNKNOWN_SERVICE', `unknown service "${name}": choose one of ${SERVICE_NAMES.join(', ')}`);
  }
  const root = resolveProjectDir(options.dir);
  return runService(name as ServiceName, {
    root,
    stateDir: options.stateDir,
    port: options.port,
    host: options.host,
    receiverUrl: options.receiverUrl ?? process.env.INPUTBOT_RECEIVER_URL,
    llmUrl: process.env.INPUTBOT_LLM_URL,
    llmApiKey: process.env.INPUTBOT_LLM_API_KEY,
    // Set by `bot dev`, whose supervisor checkpoints the databases; a service run alone checkpoints its own.
    walCheckpoints: process.env.INPUTBOT_WAL_CHECKPOINTS === 'external' ? 'external' : 'auto',
    // Set by `bot dev`: the copy of the project that a restart runs while the project has errors.
    lastGoodDir: process.env.INPUTBOT_LAST_GOOD_DIR,
  });
}
