// @inputbot/runtime/services: run one service in this process (the container entry point).
export { type RunServiceOptions, runService } from './host/run-service.ts';
export type { HostContext, RunningService, ServiceContext, ServiceFactory, ServiceOptions } from './service-context.ts';
export { GROUPS, SERVICE_NAMES, type ServiceName, TOPICS } from './topics.ts';
