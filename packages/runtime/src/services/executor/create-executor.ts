// createExecutor: the executor service — consumes `intents`, runs each intent's action, publishes ActionResults.
import type { Project } from '../../project/types.ts';
import type { RunningService, ServiceContext, ServiceOptions } from '../service-context.ts';
import { GROUPS, TOPICS } from '../topics.ts';
import { type ActionRegistry, createActionRegistry } from './action-registry.ts';
import type { ActionPolicyOptions } from './action-runner.ts';
import { createDrainGate } from './drain-gate.ts';
import { claimStaleMs, handleIntent } from './handle-intent.ts';

/** The executor's options: the service options plus how actions are retried and broken. */
export interface ExecutorOptions extends ServiceOptions, ActionPolicyOptions {
  /** How long a delivery is held before another consumer may take it; a longer action renews it as it runs. @default 30_000 */
  leaseMs?: number;
}

/**
 * Starts the executor: consumes `intents` in group `executor` and runs each intent's action with its timeout,
 * retries and circuit breaker, exactly once per input; `reload` drains running actions, then swaps the actions.
 */
export async function createExecutor(context: ServiceContext, options: ExecutorOptions = {}): Promise<RunningService> {
  const { broker, store, logger } = context;
  let registry: ActionRegistry = createActionRegistry(context.project, options);
  const gate = createDrainGate();
  const leaseMs = options.leaseMs ?? 30_000;
  const running = new Map<string, Promise<void>>();

  const subscription = await broker.consume(
    TOPICS.intents,
    GROUPS.executor,
    (delivery) => gate.run(() => handleIntent(delivery, { store, logger, registry: () => registry, leaseMs, running })),
    {
      leaseMs,
      // A message deferred while another consumer holds its action (ACTION_IN_PROGRESS) comes back when that claim
      // would go stale, two leases on: the cap lets it, and deferrals do not use up attempts.
      backoff: { initialMs: 1_000, maxMs: Math.max(30_000, claimStaleMs(leaseMs) + 1_000) },
      onError: (error, delivery) => logger.warn({ err: error, messageId: delivery.id, attempt: delivery.attempt }, 'intent failed'),
    },
  );

  return {
    async reload(project: Project) {
      const next = createActionRegistry(project, options);
      await gate.exclusive(() => {
        registry = next;
      });
    },
    async close() {
      await subscription.close();
    },
  };
}
