// handleInput: one InputReceived from `inputs` -> a decided turn, recorded once, then published.

import type { Logger } from 'pino';
import type { Delivery } from '../../broker/types.ts';
import { decode } from '../../contracts/codec.ts';
import { InputReceivedSchema } from '../../contracts/input-received.ts';
import { spanTime } from '../../contracts/span.ts';
import type { Store } from '../../store/types.ts';
import { keepingLease } from '../lease-heartbeat.ts';
import { decideTurn, type Nlu } from './decide-turn.ts';
import { buildTurnEffects, publishTurn, type RecordedTurn, recordedTurn, turnWrites } from './turn-effects.ts';

export interface InputHandlerDeps {
  store: Store;
  logger: Logger;
  /** The recognizer in service right now (it changes on reload). */
  current: () => Nlu;
  /** The consumer's lease; a turn deciding longer (an LLM call) renews it every half lease. */
  leaseMs: number;
}

/**
 * Decides the turn once per input (ledger key `nlp:<inputId>`): a redelivered input replays the stored effects,
 * so a crash between deciding and acking never asks a question twice or consumes an answer twice.
 *
 * Deciding has no side effect of its own, so no claim is taken first: the turn is decided, then its ledger entry
 * and its state are written in one atomic write that applies only if no one recorded the input before. Two
 * consumers racing on one input (a lease ran out mid-turn) both decide and one records; whichever still holds the
 * lease publishes what was recorded (the other's ack, and so its publish, does not commit). One commit per turn
 * instead of two (claim, then record).
 *
 * The turn's message goes out with the input's ack, in one commit: a redelivered input (its ack was lost in a
 * crash) finds its turn recorded and sends the same message again; consumers de-duplicate on the input id.
 */
export async function handleInput(delivery: Delivery, deps: InputHandlerDeps): Promise<void> {
  const decoded = decode(InputReceivedSchema, delivery.payload);
  if (!decoded.ok) throw decoded.error;
  const input = decoded.value;
  const key = `nlp:${input.id}`;
  // A redelivery of a recorded turn is answered from the ledger (a read), without deciding (or paying an LLM) again.
  const recorded = await deps.store.getCompletion(key);
  if (recorded) return publishTurn(asRecordedTurn(recorded.result), delivery);
  const startMs = spanTime();
  const context = await deps.store.getContext(input.conversationId);
  // An LLM call can outlive the lease, and another consumer would decide (and pay) again.
  const said = { text: input.text, referenceTime: new Date(input.receivedAt), traceId: input.traceId };
  const decision = await keepingLease(delivery, deps.leaseMs, decideTurn(deps.current(), said, context));
  const effects = buildTurnEffects(input, decision, startMs);
  const turn = recordedTurn(effects);
  const outcome = await deps.store.completeOnce(key, turn, turnWrites(effects));
  if (outcome.status === 'duplicate') return publishTurn(asRecordedTurn(outcome.result), delivery);
  deps.logger.debug({ inputId: input.id, traceId: input.traceId, ...effects.span.attributes }, 'recognized');
  publishTurn(turn, delivery);
}

// Entries written before the ledger kept only the message held the whole turn, its conversation under `status`.
function asRecordedTurn(stored: unknown): RecordedTurn {
  const turn = stored as RecordedTurn & { status?: { conversationId?: string } };
  return { ...turn, conversationId: turn.conversationId ?? turn.status?.conversationId ?? '' };
}
