// Starts the four services of a project as supervised child processes: what `bot dev` and
// `bot test --e2e` both run.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCheckpointer } from '@inputbot/runtime/sqlite';
import type { ServiceEvents, ServiceProcess, ServiceSpec } from '../supervisor/service-process.ts';
import { createSupervisor } from '../supervisor/supervisor.ts';
import { findFreePort } from './free-port.ts';

export interface RuntimeOptions {
  root: string;
  /** The gateway's port. */
  port: number;
  /** Where the broker, store and model cache live (actions see it as INPUTBOT_STATE_DIR). @default "<root>/.bot" */
  stateDir?: string;
  events?: ServiceEvents;
  /** How long all four may take to report ready. @default 15000 */
  readyTimeoutMs?: number;
  /** A copy of the project as it last loaded (see last-good.ts), which a service restarted while the project has errors runs. */
  lastGoodDir?: string;
}

export interface Runtime {
  services: readonly ServiceProcess[];
  gatewayUrl: string;
  /** SIGTERM to every service, SIGKILL after `timeoutMs`; resolves when all have exited. */
  stop(timeoutMs?: number): Promise<void>;
}

const BOT_BIN = fileURLToPath(new URL('../../bin/bot.js', import.meta.url));

/** Resolves once every service reports ready; on failure stops what started and rejects naming the laggards. */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { root, port } = options;
  // Resolved here: the services run in the project folder, this process maybe not.
  const stateDir = path.resolve(options.stateDir ?? path.join(root, '.bot'));
  const stateArgs = options.stateDir ? ['--state-dir', stateDir] : [];
  // The services leave WAL checkpoints to this process, so no message waits behind one (docs/runtime.md, docs/benchmarks.md).
  const env: Record<string, string> = { INPUTBOT_WAL_CHECKPOINTS: 'external', ...(options.lastGoodDir && { INPUTBOT_LAST_GOOD_DIR: options.lastGoodDir }) };
  const spec = (name: string, args: string[] = [], port?: number): ServiceSpec => ({
    name,
    file: BOT_BIN,
    args: ['service', name, '--dir', root, ...stateArgs, ...args, ...(port === undefined ? [] : ['--port', String(port)])],
    cwd: root,
    env,
    ...(port !== undefined && { port }),
  });
  // A fixed port, so a restarted receiver keeps the address the gateway knows.
  const receiverPort = await findFreePort();
  const supervisor = createSupervisor(
    [
      spec('receiver', [], receiverPort),
      // nlp reaches the LLM (nlu.mode llm or cascade) through the gateway's OpenAI-compatible routes.
      { ...spec('nlp'), env: { ...env, INPUTBOT_LLM_URL: `http://127.0.0.1:${port}/llm/v1` } },
      spec('executor'),
      spec('gateway', ['--receiver-url', `http://127.0.0.1:${receiverPort}`], port),
    ],
    options.events,
  );
  const checkpointer = startCheckpointer([path.join(stateDir, 'broker.db'), path.join(stateDir, 'state.db')], {
    onError: (file, error) =>
      options.events?.onLine?.(
        'dev',
        JSON.stringify({ level: 40, msg: `WAL checkpoint of ${file} failed (retrying): ${error instanceof Error ? error.message : String(error)}` }),
        'stderr',
      ),
  });
  const stop = async (timeoutMs = 4000) => {
    await supervisor.stop(timeoutMs);
    checkpointer.stop();
  };
  try {
    await supervisor.start(options.readyTimeoutMs ?? 15_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message} (see the log above)`);
  }
  return { services: supervisor.services, gatewayUrl: `http://127.0.0.1:${port}`, stop };
}
