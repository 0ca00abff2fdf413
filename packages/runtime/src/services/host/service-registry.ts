// Maps a service name to its factory, imported lazily so a process loads only the service it runs.
import type { ServiceFactory } from '../service-context.ts';
import type { ServiceName } from '../topics.ts';

export async function loadServiceFactory(name: ServiceName): Promise<ServiceFactory> {
  switch (name) {
    case 'gateway':
      return (await import('../gateway/index.ts')).createGateway;
    case 'receiver':
      return (await import('../receiver/index.ts')).createReceiver;
    case 'nlp':
      return (await import('../nlp/index.ts')).createNlp;
    case 'executor':
      return (await import('../executor/index.ts')).createExecutor;
  }
}
