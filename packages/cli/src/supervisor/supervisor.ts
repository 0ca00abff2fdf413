// Runs a set of services as child processes: starts them together, restarts crashed ones, stops them all.
import { type ServiceEvents, ServiceProcess, type ServiceProcessOptions, type ServiceSpec } from './service-process.ts';

export interface Supervisor {
  readonly services: readonly ServiceProcess[];
  /** Starts every service; resolves when all have reported ready, rejects after `timeoutMs`. */
  start(timeoutMs?: number): Promise<void>;
  /** Stops every service (SIGTERM, then SIGKILL after `timeoutMs`) and resolves when all have exited. */
  stop(timeoutMs?: number): Promise<void>;
  get(name: string): ServiceProcess | undefined;
}

export function createSupervisor(specs: readonly ServiceSpec[], events: ServiceEvents = {}, options: ServiceProcessOptions = {}): Supervisor {
  const services = specs.map((spec) => new ServiceProcess(spec, events, options));
  return {
    services,
    async start(timeoutMs = 10_000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const waiting = services.filter((s) => s.state !== 'ready').map((s) => s.spec.name);
          reject(new Error(`not ready after ${timeoutMs} ms: ${waiting.join(', ')}`));
        }, timeoutMs);
      });
      try {
        await Promise.race([Promise.all(services.map((s) => s.start())), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async stop(timeoutMs) {
      await Promise.all(services.map((s) => s.stop(timeoutMs)));
    },
    get: (name) => services.find((s) => s.spec.name === name),
  };
}
