// The broker topics and consumer groups that connect the services (see docs/runtime.md).

export const TOPICS = {
  /** InputReceived, from the receiver; work queue consumed by the nlp group. Ordering key: conversationId. */
  inputs: 'inputs',
  /** IntentRecognized, from nlp; work queue consumed by the executor group, fanned out to gateways for SSE. */
  intents: 'intents',
  /** ReplyMessage (ActionResult | Clarification), from nlp and executor; fan-out to every gateway replica. */
  results: 'results',
} as const;

export const GROUPS = {
  nlp: 'nlp',
  executor: 'executor',
} as const;

export type ServiceName = 'gateway' | 'receiver' | 'nlp' | 'executor';
export const SERVICE_NAMES: readonly ServiceName[] = ['receiver', 'nlp', 'executor', 'gateway'];
