// createNlp: the nlp service — consumes `inputs`, recognises intents with the local engine, keeps conversation context.
import path from 'node:path';
import { createRecognizer } from '../../nlu/recognizer.ts';
import type { Project } from '../../project/types.ts';
import type { RunningService, ServiceContext } from '../service-context.ts';
import { GROUPS, TOPICS } from '../topics.ts';
import type { Nlu } from './decide-turn.ts';
import { handleInput } from './handle-input.ts';

/**
 * Starts the nlp service: trains (or loads from `<stateDir>/nlu`) the project's model, then consumes `inputs`
 * in group `nlp`, publishing IntentRecognized to `intents` and clarifications and fallbacks to `results`.
 */
export async function createNlp(context: ServiceContext): Promise<RunningService> {
  const { broker, store, logger } = context;
  const cacheDir = path.join(context.stateDir, 'nlu');
  let nlu: Nlu = { project: context.project, recognizer: await createRecognizer(context.project, { cacheDir }) };
  let generation = 0;
  let closed = false;

  const subscription = await broker.consume(TOPICS.inputs, GROUPS.nlp, (delivery) => handleInput(delivery, { broker, store, logger, current: () => nlu }), {
    leaseMs: 30_000,
    maxAttempts: 5,
    onError: (error, delivery) => logger.warn({ err: error, messageId: delivery.id, attempt: delivery.attempt }, 'input failed'),
  });

  return {
    // Messages keep being recognised by the old model until the new one is ready; the latest reload wins.
    async reload(project: Project) {
      const mine = ++generation;
      const recognizer = await createRecognizer(project, { cacheDir });
      if (mine === generation && !closed) nlu = { project, recognizer };
    },
    async close() {
      closed = true;
      await subscription.close();
    },
  };
}
