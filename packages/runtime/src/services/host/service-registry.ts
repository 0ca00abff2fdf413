// Maps a service name to its factory, imported lazily so a process loads only the service it runs.
import type { HostContext, RunningService, ServiceFactory, ServiceOptions } from '../service-context.ts';
import type { ServiceName } from '../topics.ts';

/** A service's factory, and whether it runs the project's code (the receiver does not, so it never loads it). */
export type LoadedService =
  | { needsProject: true; create: ServiceFactory }
  | { needsProject: false; create: (context: HostContext, options: ServiceOptions) => Promise<RunningService> };

export async function loadService(name: ServiceName): Promise<LoadedService> {
  switch (name) {
    case 'gateway':
      return { needsProject: true, create: (await import('../gateway/index.ts')).createGateway };
    case 'receiver':
      return { needsProject: false, create: (await import('../receiver/index.ts')).createReceiver };
    case 'nlp':
      return { needsProject: true, create: (await import('../nlp/index.ts')).createNlp };
    case 'executor':
      return { needsProject: true, create: (await import('../executor/index.ts')).createExecutor };
  }
}
