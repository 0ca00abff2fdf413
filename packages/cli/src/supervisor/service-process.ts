// One supervised child process: started with execa, its output forwarded line by line, restarted with
// backoff when it dies, stopped with SIGTERM and then SIGKILL.
import { execaNode, type ResultPromise } from 'execa';
import { createRestartBackoff, type RestartBackoffOptions } from './restart-backoff.ts';

/**
 * A service handles small, short-lived messages: a 1 MB young-generation semi-space (V8's default grows to 16 MB)
 * keeps its idle RSS ~25 MB lower; throughput moved within run-to-run noise (bench/pipeline; docs/benchmarks.md).
 */
const SERVICE_NODE_OPTIONS = ['--max-semi-space-size=1'];

/** What to run for one service. */
export interface ServiceSpec {
  name: string;
  /** A Node.js script. */
  file: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string>;
  /** The port it listens on, if any: for tools (`.bot/dev.json`, `bot status`). */
  port?: number;
}

export type ServiceState = 'starting' | 'ready' | 'restarting' | 'stopping' | 'stopped';

/** A message a service sends its supervisor over IPC (`process.send`). */
export interface ServiceMessage {
  type: string;
  [key: string]: unknown;
}

export interface ServiceEvents {
  onLine?(service: string, line: string, stream: 'stdout' | 'stderr'): void;
  onState?(service: string, state: ServiceState, detail: { pid?: number; exitCode?: number; signal?: string; restarts: number; delayMs?: number }): void;
  onMessage?(service: string, message: ServiceMessage): void;
}

export interface ServiceProcessOptions {
  backoff?: RestartBackoffOptions;
}

export class ServiceProcess {
  state: ServiceState = 'stopped';
  restarts = 0;
  private child: ResultPromise | undefined;
  /** Resolves when the current child has exited. */
  private childExit: Promise<void> = Promise.resolve();
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly backoff;
  private readyWaiters: (() => void)[] = [];

  constructor(
    readonly spec: ServiceSpec,
    private readonly events: ServiceEvents = {},
    options: ServiceProcessOptions = {},
  ) {
    this.backoff = createRestartBackoff(options.backoff);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process; resolves when it reports `{ type: 'ready' }`. */
  start(): Promise<void> {
    const ready = this.whenReady();
    this.spawn();
    return ready;
  }

  /** Resolves the next time the service reports ready. */
  whenReady(): Promise<void> {
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Sends a message to the service (e.g. `{ type: 'reload' }`). */
  send(message: ServiceMessage): void {
    this.child?.send(message);
  }

  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves once the process has exited. */
  async stop(timeoutMs = 4000): Promise<void> {
    clearTimeout(this.restartTimer);
    const child = this.child;
    // Between a crash and its restart there is no process to stop.
    if (!child || this.state === 'stopped' || this.state === 'restarting') {
      this.setState('stopped', {});
      return;
    }
    this.setState('stopping', { pid: child.pid });
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await this.childExit;
    clearTimeout(timer);
  }

  private spawn(): void {
    const startedAt = Date.now();
    const child = execaNode(this.spec.file, this.spec.args ?? [], {
      cwd: this.spec.cwd,
      env: { ...this.spec.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' },
      nodeOptions: [...process.execArgv, ...SERVICE_NODE_OPTIONS],
      reject: false,
      buffer: false,
      stdin: 'ignore',
      // The supervisor decides how to stop its children: execa must not kill them on its own, and a
      // terminal's Ctrl-C must reach only the supervisor (children watch the IPC channel to exit if it dies).
      cleanup: false,
      detached: true,
    });
    this.child = child;
    this.childExit = new Promise((resolve) => child.once('exit', () => resolve()));
    this.setState('starting', { pid: child.pid });
    this.forwardLines(child, 'stdout');
    this.forwardLines(child, 'stderr');
    child.on('message', (message: unknown) => {
      if (!isServiceMessage(message)) return;
      if (message.type === 'ready') {
        this.setState('ready', { pid: child.pid });
        for (const resolve of this.readyWaiters.splice(0)) resolve();
      }
      this.events.onMessage?.(this.spec.name, message);
    });
    child.once('exit', (exitCode, signal) => {
      if (this.child !== child) return;
      if (this.state === 'stopping') {
        this.setState('stopped', { exitCode: exitCode ?? undefined, signal: signal ?? undefined });
        return;
      }
      const delayMs = this.backoff.next(Date.now() - startedAt);
      this.restarts++;
      this.setState('restarting', { exitCode: exitCode ?? undefined, signal: signal ?? undefined, delayMs });
      this.restartTimer = setTimeout(() => this.spawn(), delayMs);
    });
    // Errors surface as an exit; the promise itself must not reject unhandled.
    child.catch(() => {});
  }

  private forwardLines(child: ResultPromise, stream: 'stdout' | 'stderr'): void {
    let pending = '';
    child[stream]?.setEncoding('utf8');
    child[stream]?.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) this.events.onLine?.(this.spec.name, line, stream);
    });
    child[stream]?.on('end', () => {
      if (pending) this.events.onLine?.(this.spec.name, pending, stream);
      pending = '';
    });
  }

  private setState(state: ServiceState, detail: { pid?: number; exitCode?: number; signal?: string; delayMs?: number }): void {
    this.state = state;
    this.events.onState?.(this.spec.name, state, { ...detail, restarts: this.restarts });
  }
}

function isServiceMessage(value: unknown): value is ServiceMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
