// `bot dev`: the bot's four services as child processes over the project's broker, with hot reload.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { brokerNotAvailable, loadProject, type Project } from '@inputbot/runtime/project';
import { removeDevState, writeDevState } from '../dev/dev-state.ts';
import { findFreePort, isPortFree } from '../dev/free-port.ts';
import { lastGoodDir, saveLastGood } from '../dev/last-good.ts';
import { formatServiceLine } from '../dev/log-lines.ts';
import { type Runtime, startRuntime } from '../dev/start-runtime.ts';
import { type ReloadTarget, watchProject } from '../dev/watch-project.ts';
import { CliError, EXIT } from '../errors.ts';
import type { Logger } from '../output/logger.ts';
import { color } from '../output/theme.ts';
import { resolveProjectDir } from '../project-dir.ts';
import type { ServiceEvents, ServiceProcess } from '../supervisor/service-process.ts';
import { formatProblem } from './check.ts';

export interface DevOptions {
  port?: number;
  watch: boolean;
}

export async function devCommand(dir: string, options: DevOptions, logger: Logger): Promise<number> {
  const started = performance.now();
  const root = resolveProjectDir(dir);
  const checkedAt = Date.now();
  const { project, problems } = await loadProject(root);
  const errors = problems.filter((p) => p.severity === 'error');
  if (!project || errors.length) {
    for (const problem of errors) logger.stderr(formatProblem(problem));
    throw new CliError('PROJECT_INVALID', `the project has ${errors.length} problem${errors.length === 1 ? '' : 's'}; fix them and run bot dev again`);
  }
  if (project.config.broker.kind !== 'sqlite') throw new CliError('BROKER_NOT_AVAILABLE', brokerNotAvailable(project.config.broker.kind));
  // 0 is picked here, not by the gateway: a restarted gateway must come back on the address already printed.
  const asked = options.port ?? project.config.gateway.port;
  const port = asked === 0 ? await findFreePort() : asked;
  if (!(await isPortFree(port))) throw new CliError('PORT_IN_USE', `port ${port} is in use: stop what uses it or pass --port <n>`);
  const stateDir = path.join(root, '.bot');
  mkdirSync(stateDir, { recursive: true });
  const log = (line: string) => logger.info(formatServiceLine('dev', line));
  // Kept beside the services, not before them: a restart needs it only once a file is broken.
  let lastGood: Promise<unknown> = Promise.resolve();
  const keepLastGood = (since: number) => {
    lastGood = lastGood
      .then(() => saveLastGood(root, stateDir, since))
      .catch((error: unknown) => log(color.yellow(`could not keep a copy of the project for restarts: ${(error as Error).message}`)));
  };
  keepLastGood(checkedAt);
  // Services that, restarted while a file was broken, run that copy: the next good load restarts them on the project.
  const onLastGood = new Set<string>();

  let services: readonly ServiceProcess[] = [];
  const saveState = () =>
    writeDevState(root, {
      pid: process.pid,
      root,
      startedAt: new Date().toISOString(),
      gatewayUrl: `http://127.0.0.1:${port}`,
      services: services.map((s) => ({
        name: s.spec.name,
        pid: s.pid,
        port: s.spec.port,
        state: s.state,
        restarts: s.restarts,
      })),
    });
  const reloadWaiters = new Map<string, (ok: boolean) => void>();
  const events: ServiceEvents = {
    onLine: (service, line) => logger.info(formatServiceLine(service, line)),
    onState: (service, state, detail) => {
      if (state === 'restarting') {
        const why = detail.signal ? `killed by ${detail.signal}` : `exited with code ${detail.exitCode}`;
        log(color.yellow(`${service} ${why}; restarting in ${detail.delayMs} ms (restart ${detail.restarts})`));
      }
      if (state === 'ready' || state === 'restarting') saveState();
    },
    onMessage: (service, message) => {
      if (message.type === 'reloaded' || message.type === 'reload-failed') reloadWaiters.get(service)?.(message.type === 'reloaded');
      if (message.type === 'ready') {
        if (message.lastGood === true) onLastGood.add(service);
        else onLastGood.delete(service);
      }
    },
  };
  const interrupted = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  let runtime: Runtime;
  try {
    runtime = await startRuntime({ root, port, events, lastGoodDir: lastGoodDir(stateDir) });
  } catch (error) {
    removeDevState(root);
    throw new CliError('DEV_START_FAILED', (error as Error).message, EXIT.failed);
  }
  services = runtime.services;
  const stopAll = async () => {
    await runtime.stop(4000);
    removeDevState(root);
  };
  saveState();
  const ms = Math.round(performance.now() - started);
  logger.info('');
  logger.success(`${color.bold(project.config.name)} is running — ready in ${ms} ms`);
  logger.info(
    `  API      http://127.0.0.1:${port}/v1/messages   ${color.dim(`curl -XPOST 'localhost:${port}/v1/messages?wait=2000' -H 'content-type: application/json' -d '${JSON.stringify({ user: 'ana', text: sampleText(project) })}'`)}`,
  );
  logger.info(`  OpenAPI  http://127.0.0.1:${port}/openapi.json`);
  logger.info(
    `  ${options.watch ? 'watching intents/, data/, actions/, lib/ and bot.config.ts' : 'not watching files (--no-watch)'} · Ctrl-C stops everything`,
  );
  logger.info('');

  const watcher = options.watch
    ? watchProject(root, (files, targets) => {
        void reload(root, files, targets, services, reloadWaiters, log, onLastGood).then((checked) => checked !== undefined && keepLastGood(checked));
      })
    : undefined;
  await interrupted;
  log('stopping…');
  await watcher?.close();
  await stopAll();
  await lastGood;
  log('stopped');
  return EXIT.ok;
}

async function reload(
  root: string,
  files: string[],
  targets: Set<ReloadTarget>,
  services: readonly ServiceProcess[],
  waiters: Map<string, (ok: boolean) => void>,
  log: (line: string) => void,
  onLastGood: ReadonlySet<string>,
): Promise<number | undefined> {
  const started = performance.now();
  const checkedAt = Date.now();
  // Check first: a file with an error keeps the old version serving, and the error is shown with file and line.
  const { problems } = await loadProject(root);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length) {
    for (const problem of errors) log(color.red(formatProblem(problem)));
    log(color.yellow(`${files.join(', ')}: not reloaded; the previous version keeps serving`));
    return undefined;
  }
  // A service running the last good copy comes back to the project itself, whatever the change was about.
  const restarted = services.filter((s) => onLastGood.has(s.spec.name));
  for (const service of restarted) {
    log(color.yellow(`restarting ${service.spec.name} on the project (it ran the last version that loaded)`));
    await service.stop();
    await service.start();
  }
  const results = await Promise.all(
    [...targets]
      .filter((target) => !restarted.some((s) => s.spec.name === target))
      .map((target) => {
        const service = services.find((s) => s.spec.name === target);
        if (service?.state !== 'ready') return Promise.resolve(false);
        const done = new Promise<boolean>((resolve) => waiters.set(target, resolve));
        service.send({ type: 'reload' });
        return withTimeout(done, 30_000, () => `${target} did not reload in 30 s`).catch(() => false);
      }),
  );
  const ms = Math.round(performance.now() - started);
  if (results.every(Boolean)) log(color.green(`reloaded ${[...targets].join(' and ')} in ${ms} ms (${files.join(', ')})`));
  return checkedAt;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A message the bot understands, for the curl line: its first training example that quotes safely in a shell. */
function sampleText(project: Project): string {
  const example = project.examples.find((e) => e.intent !== 'none' && e.text.length <= 60 && !/['"\\\n]/.test(e.text));
  return example?.text ?? 'hello';
}
