// createNlp: the nlp service — consumes `inputs`, recognises intents (local engine, LLM or cascade), keeps conversation context.
import path from 'node:path';
import type { RecognizerOptions } from '../../nlu/recognizer.ts';
import { createRecognizer } from '../../nlu/recognizer.ts';
import { warmUp } from '../../nlu/warm-up.ts';
import type { Project } from '../../project/types.ts';
import type { RunningService, ServiceContext, ServiceOptions } from '../service-context.ts';
import { GROUPS, TOPICS } from '../topics.ts';
import type { Nlu } from './decide-turn.ts';
import { handleInput } from './handle-input.ts';

/**
 * Starts the nlp service: trains (or loads from `<stateDir>/nlu`) the project's model (and, in `nlu.mode` llm or
 * cascade, reaches the LLM at `options.llmUrl`), then consumes `inputs`
 * in group `nlp`, publishing IntentRecognized to `intents` and clarifications and fallbacks to `results`.
 */
/** The nlp service's options: the service options plus its lease. */
export interface NlpOptions extends ServiceOptions {
  /** How long a delivery is held before another consumer may take it; a longer turn renews it. @default 30_000 */
  leaseMs?: number;
}

export async function createNlp(context: ServiceContext, options: NlpOptions = {}): Promise<RunningService> {
  const { broker, store, logger } = context;
  const recognizerOptions: RecognizerOptions = {
    cacheDir: path.join(context.stateDir, 'nlu'),
    ...(options.llmUrl && { llm: { baseURL: options.llmUrl, apiKey: options.llmApiKey } }),
  };
  let nlu: Nlu = { project: context.project, recognizer: warmUp(await createRecognizer(context.project, recognizerOptions), context.project) };
  let generation = 0;
  let closed = false;

  const leaseMs = options.leaseMs ?? 30_000;
  const subscription = await broker.consume(TOPICS.inputs, GROUPS.nlp, (delivery) => handleInput(delivery, { store, logger, current: () => nlu, leaseMs }), {
    leaseMs,
    maxAttempts: 5,
    onError: (error, delivery) => logger.warn({ err: error, messageId: delivery.id, attempt: delivery.attempt }, 'input failed'),
  });

  return {
    // Messages keep being recognised by the old model until the new one is ready; the latest reload wins.
    async reload(project: Project) {
      const mine = ++generation;
      const recognizer = warmUp(await createRecognizer(project, recognizerOptions), project);
      if (mine === generation && !closed) nlu = { project, recognizer };
    },
    async close() {
      closed = true;
      await subscription.close();
    },
  };
}
