// The host process of one service (`bot service <name>`): opens the project, broker and store, starts the
// service, tells its supervisor when it is ready, reloads on request, and shuts down cleanly.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { createSqliteBroker } from '../../broker/sqlite-broker.ts';
import { formatLocation, type Problem } from '../../project/problems.ts';
import type { WalCheckpoints } from '../../sqlite/open.ts';
import { createSqliteStore } from '../../store/sqlite-store.ts';
import type { HostContext, RunningService, ServiceOptions } from '../service-context.ts';
import type { ServiceName } from '../topics.ts';
import { loadService } from './service-registry.ts';

export interface RunServiceOptions extends ServiceOptions {
  /** The project folder. */
  root: string;
  /** Where broker.db, state.db and the model cache live. @default "<root>/.bot" */
  stateDir?: string;
  /** `external` when a supervisor checkpoints broker.db and state.db (`bot dev` does); this service then does only as a backstop. @default 'auto' */
  walCheckpoints?: WalCheckpoints;
  /**
   * A copy of the project as it last loaded without errors (`bot dev` keeps one): started while the project has
   * errors, the service runs that copy instead of exiting, as a running service keeps its version on a failed reload.
   */
  lastGoodDir?: string;
}

/** Messages a supervisor may send a service host over IPC. */
type HostCommand = { type: 'reload' };

/** Runs until SIGTERM/SIGINT or until the supervisor's IPC channel closes. Resolves the exit code. */
export async function runService(name: ServiceName, options: RunServiceOptions): Promise<number> {
  const logger = pino({ base: { service: name }, timestamp: pino.stdTimeFunctions.epochTime });
  const root = path.resolve(options.root);
  const stateDir = path.resolve(options.stateDir ?? path.join(root, '.bot'));
  mkdirSync(stateDir, { recursive: true });
  // Actions that keep files of their own can put them beside the runtime's (the ops template does).
  process.env.INPUTBOT_STATE_DIR = stateDir;
  const needsActions = name === 'executor';
  const loaded = await loadService(name);
  let start: (host: HostContext) => Promise<RunningService>;
  let onLastGood = false;
  if (loaded.needsProject) {
    const opened = await openProjectOrLastGood(name, root, needsActions, options.lastGoodDir, logger);
    if (!opened) return 1;
    onLastGood = opened.lastGood;
    start = (host) => loaded.create({ ...host, project: opened.project }, options);
  } else {
    start = (host) => loaded.create(host, options);
  }
  const { walCheckpoints } = options;
  const broker = createSqliteBroker({ path: path.join(stateDir, 'broker.db'), walCheckpoints });
  const store = createSqliteStore({ path: path.join(stateDir, 'state.db'), walCheckpoints });
  let service: RunningService;
  try {
    service = await start({ broker, store, logger, stateDir });
  } catch (error) {
    logger.error({ err: error }, `${name} failed to start`);
    await broker.close();
    await store.close();
    return 1;
  }
  logger.info({ port: service.port }, `${name} ready${service.port ? ` on http://${options.host ?? '127.0.0.1'}:${service.port}` : ''}`);
  process.send?.({ type: 'ready', port: service.port, ...(onLastGood && { lastGood: true }) });

  let reloading = Promise.resolve();
  process.on('message', (message: HostCommand) => {
    if (message?.type !== 'reload' || !service.reload) return;
    reloading = reloading.then(() => reload(name, root, needsActions, service, logger));
  });

  const code = await new Promise<number>((resolve) => {
    process.once('SIGTERM', () => resolve(0));
    process.once('SIGINT', () => resolve(0));
    // The supervisor is gone (even kill -9): do not linger as an orphan.
    process.once('disconnect', () => resolve(0));
  });
  await reloading;
  await service.close().catch((error: unknown) => logger.error({ err: error }, 'error while closing'));
  await broker.close();
  await store.close();
  logger.info(`${name} stopped`);
  // The IPC channel to the supervisor keeps the event loop alive: without this the process would linger
  // until the supervisor's SIGKILL instead of exiting now.
  if (process.connected) process.disconnect();
  return code;
}

async function reload(name: ServiceName, root: string, needsActions: boolean, service: RunningService, logger: pino.Logger): Promise<void> {
  const started = performance.now();
  const { project, problems } = await openProject(root, needsActions);
  const errors = problems.filter((p) => p.severity === 'error');
  if (!project || errors.length) {
    // A file with an error keeps the old version serving; the supervisor prints the problems.
    process.send?.({ type: 'reload-failed', problems: errors satisfies Problem[] });
    return;
  }
  try {
    await service.reload?.(project);
    const ms = Math.round(performance.now() - started);
    logger.info({ ms }, `${name} reloaded in ${ms} ms`);
    process.send?.({ type: 'reloaded', ms });
  } catch (error) {
    logger.error({ err: error }, `${name} reload failed; the previous version keeps serving`);
    process.send?.({ type: 'reload-failed', problems: [] });
  }
}

/** The project, or (while it has errors) the last copy of it that loaded; undefined, with the errors logged, if neither loads. */
async function openProjectOrLastGood(name: ServiceName, root: string, needsActions: boolean, lastGoodDir: string | undefined, logger: pino.Logger) {
  const { project, problems } = await openProject(root, needsActions);
  const errors = problems.filter((p) => p.severity === 'error');
  if (project && !errors.length) return { project, lastGood: false };
  const fallbackDir = lastGoodDir && existsSync(lastGoodDir) ? lastGoodDir : undefined;
  for (const problem of errors) logger[fallbackDir ? 'warn' : 'error']({ code: problem.code, at: formatLocation(problem) }, problem.message);
  if (!fallbackDir) return undefined;
  const fallback = await openProject(fallbackDir, needsActions);
  if (!fallback.project || fallback.problems.some((p) => p.severity === 'error')) {
    logger.error(`the last version that loaded (${fallbackDir}) does not load either`);
    return undefined;
  }
  logger.warn(`the project has errors: ${name} runs its last version that loaded until they are fixed`);
  return { project: fallback.project, lastGood: true };
}

// Imported on demand: loading a project brings in esbuild and the project's code, which the receiver never needs.
async function openProject(root: string, actions: boolean) {
  const { loadProject } = await import('../../project/load-project.ts');
  return loadProject(root, { actions });
}
