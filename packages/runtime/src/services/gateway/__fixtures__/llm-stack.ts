// Test stack for the LLM face: the real gateway (SQLite broker and store in a temp dir) with an `llm` config, no pipeline.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createSqliteBroker } from '../../../broker/sqlite-broker.ts';
import { BotConfigSchema } from '../../../define/bot.ts';
import type { LlmOptions } from '../../../define/llm-options.ts';
import type { Project, ProjectPrompt } from '../../../project/types.ts';
import { createSqliteStore } from '../../../store/sqlite-store.ts';
import type { Store } from '../../../store/types.ts';
import type { ServiceContext } from '../../service-context.ts';
import { createGateway } from '../index.ts';

export interface LlmStack {
  /** The gateway's base URL; the OpenAI base URL is `${url}/llm/v1`. */
  url: string;
  store: Store;
  /** Every log line the gateway wrote, as JSON text. */
  logs: string[];
  close(): Promise<void>;
}

/** Starts a gateway whose bot config has `llm` (and `prompts`). Nothing listens at the receiver URL: the LLM face does not need it. */
export async function startLlmStack(llm: LlmOptions, prompts: ProjectPrompt[] = []): Promise<LlmStack> {
  const dir = await mkdtemp(path.join(tmpdir(), 'inputbot-llm-'));
  const broker = createSqliteBroker({ path: path.join(dir, 'broker.db') });
  const store = createSqliteStore({ path: path.join(dir, 'state.db') });
  const project: Project = {
    root: dir,
    config: BotConfigSchema.parse({ name: 'llm-bot', llm }),
    intents: [],
    examples: [],
    actions: [],
    fixtures: [],
    prompts,
  };
  const logs: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
  const context: ServiceContext = { project, broker, store, logger, stateDir: dir };
  const gateway = await createGateway(context, { port: 0, receiverUrl: 'http://127.0.0.1:9' });
  return {
    url: `http://127.0.0.1:${gateway.port}`,
    store,
    logs,
    async close() {
      await gateway.close();
      await broker.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
