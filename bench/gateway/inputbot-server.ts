// inputbot's gateway, in its own process, as the tests start it (__fixtures__/llm-stack.ts): real SQLite broker and
// store in a temp dir, an `llm` config pointing at the upstream, usage logging on (the default ledger).
// Usage: tsx inputbot-server.ts <upstream base url ending in /v1> [external|auto]  →  prints {"url"} when ready.
//   external (the default): as under `bot dev`, another process checkpoints the WAL (checkpointer.ts, standing in for
//   the supervisor) and the gateway's commits never do; auto: SQLite's own checkpoints, inside a commit every ~1,000 pages.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createSqliteBroker } from '../../packages/runtime/src/broker/sqlite-broker.ts';
import { BotConfigSchema } from '../../packages/runtime/src/define/bot.ts';
import type { Project } from '../../packages/runtime/src/project/types.ts';
import { createGateway } from '../../packages/runtime/src/services/gateway/index.ts';
import type { ServiceContext } from '../../packages/runtime/src/services/service-context.ts';
import { createSqliteStore } from '../../packages/runtime/src/store/sqlite-store.ts';

const upstream = process.argv[2];
if (!upstream?.startsWith('http://127.0.0.1:')) throw new Error('usage: inputbot-server.ts http://127.0.0.1:<port>/v1');
process.env.BENCH_UPSTREAM_KEY = 'bench';
const walCheckpoints = process.argv[3] === 'auto' ? 'auto' : 'external';
const dir = await mkdtemp(path.join(tmpdir(), 'inputbot-gwbench-'));
const files = { broker: path.join(dir, 'broker.db'), state: path.join(dir, 'state.db') };
const broker = createSqliteBroker({ path: files.broker, walCheckpoints });
const store = createSqliteStore({ path: files.state, walCheckpoints });
// Started with this process's loader flags (tsx), not its profiler's.
const loaderArgs = process.execArgv.filter((arg) => !arg.startsWith('--cpu-prof'));
const checkpointer =
  walCheckpoints === 'external'
    ? spawn(process.execPath, [...loaderArgs, path.join(import.meta.dirname, 'checkpointer.ts'), files.broker, files.state], { stdio: 'inherit' })
    : undefined;
const llm = { providers: { openai: { kind: 'openai' as const, baseUrl: upstream, apiKeyEnv: 'BENCH_UPSTREAM_KEY' } } };
const project: Project = { root: dir, config: BotConfigSchema.parse({ name: 'gw-bench', llm }), intents: [], examples: [], actions: [], fixtures: [] };
// Log lines are serialised as in production, then dropped (no terminal or file in the measurement).
const logger = pino({ level: 'info' }, { write: () => {} });
const context: ServiceContext = { project, broker, store, logger, stateDir: dir };
const gateway = await createGateway(context, { port: 0, receiverUrl: 'http://127.0.0.1:9' });
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${gateway.port}` })}\n`);

async function shutdown(): Promise<void> {
  checkpointer?.kill('SIGTERM');
  await gateway.close();
  await broker.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
