// handleInput: one InputReceived from `inputs` -> a decided turn, recorded once, then published.

import type { Logger } from 'pino';
import type { Broker, Delivery } from '../../broker/types.ts';
import { decode } from '../../contracts/codec.ts';
import { InputReceivedSchema } from '../../contracts/input-received.ts';
import { spanTime } from '../../contracts/span.ts';
import type { Store } from '../../store/types.ts';
import { decideTurn, type Nlu } from './decide-turn.ts';
import { buildTurnEffects, publishTurn, recordTurnEffects, type TurnEffects } from './turn-effects.ts';

/** A claim older than this belonged to a consumer that died; recognition itself takes milliseconds. */
const CLAIM_STALE_MS = 30_000;

export interface InputHandlerDeps {
  broker: Broker;
  store: Store;
  logger: Logger;
  /** The recognizer in service right now (it changes on reload). */
  current: () => Nlu;
}

/** Another consumer is deciding this input (its lease ran out while it worked): retry later. */
export class InputInProgressError extends Error {
  override readonly name = 'InputInProgressError';
  readonly code = 'NLP_INPUT_IN_PROGRESS';
  readonly nonRetryable = false;
}

/**
 * Decides the turn once per input (ledger key `nlp:<inputId>`): a redelivered input replays the stored effects,
 * so a crash between deciding and acking never asks a question twice or consumes an answer twice.
 */
export async function handleInput(delivery: Delivery, deps: InputHandlerDeps): Promise<void> {
  const decoded = decode(InputReceivedSchema, delivery.payload);
  if (!decoded.ok) throw decoded.error;
  const input = decoded.value;
  const key = `nlp:${input.id}`;
  const claim = await deps.store.claim(key, { staleAfterMs: CLAIM_STALE_MS });
  if (claim.status === 'duplicate') {
    if (claim.state === 'in-progress') throw new InputInProgressError(`input ${input.id} is being recognised by another consumer`);
    const stored = claim.result as TurnEffects;
    await recordTurnEffects(stored, deps.store, { replay: true });
    await publishTurn(stored, deps.broker);
    return;
  }
  let effects: TurnEffects;
  try {
    const startMs = spanTime();
    const context = await deps.store.getContext(input.conversationId);
    const decision = await decideTurn(deps.current(), { text: input.text, referenceTime: new Date(input.receivedAt), traceId: input.traceId }, context);
    effects = buildTurnEffects(input, decision, startMs);
    // The ledger entry and the state it describes are queued in one tick: one transaction in the store.
    await Promise.all([recordTurnEffects(effects, deps.store, { replay: false }), deps.store.complete(key, effects)]);
  } catch (error) {
    await deps.store.release(key).catch(() => {});
    throw error;
  }
  deps.logger.debug({ inputId: input.id, traceId: input.traceId, ...effects.span.attributes }, 'recognized');
  await publishTurn(effects, deps.broker);
}
