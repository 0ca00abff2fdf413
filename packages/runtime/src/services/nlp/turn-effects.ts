// A decided turn as data: the context change, the message to publish, the status and the span. The ledger keeps
// its message, so a redelivered input republishes it instead of deciding again.

import type { Delivery } from '../../broker/types.ts';
import { ActionResultSchema } from '../../contracts/action-result.ts';
import { ClarificationSchema } from '../../contracts/clarification.ts';
import { encode } from '../../contracts/codec.ts';
import { CONTRACT_VERSION } from '../../contracts/envelope.ts';
import { newSpanId } from '../../contracts/ids.ts';
import type { InputReceived } from '../../contracts/input-received.ts';
import { IntentRecognizedSchema } from '../../contracts/intent-recognized.ts';
import { type Span, spanTime } from '../../contracts/span.ts';
import type { ConversationContext, MessageUpdate, StateWrite } from '../../store/types.ts';
import { TOPICS } from '../topics.ts';
import type { TurnDecision } from './decide-turn.ts';

/** How long a question waits for its answer. */
export const CONTEXT_TTL_MS = 10 * 60_000;

export interface TurnEffects {
  context: { set: ConversationContext } | { delete: true };
  topic: (typeof TOPICS)['intents' | 'results'];
  /** Already validated against its contract. */
  payload: unknown;
  status: MessageUpdate;
  span: Span;
}

/** Builds the effects of `decision` for `input`; throws the ContractError if a message would not validate. */
export function buildTurnEffects(input: InputReceived, decision: TurnDecision, startMs: number): TurnEffects {
  const envelope = { v: CONTRACT_VERSION, traceId: input.traceId, conversationId: input.conversationId, tenant: input.tenant } as const;
  const record = { id: input.id, conversationId: input.conversationId, traceId: input.traceId, tenant: input.tenant };
  const base = { ...envelope, inputId: input.id, intent: decision.intent };
  let effects: Omit<TurnEffects, 'span'>;
  if (decision.kind === 'intent') {
    const payload = check(
      encode(IntentRecognizedSchema, {
        ...base,
        type: 'intent.recognized',
        user: input.user,
        channel: input.channel,
        text: input.text,
        confidence: decision.confidence,
        entities: decision.entities,
        ranking: decision.ranking.slice(0, 20),
        path: decision.path,
        ...(decision.confirmed ? { confirmed: true } : {}),
        idempotencyKey: input.id,
      }),
    );
    effects = { context: { delete: true }, topic: TOPICS.intents, payload, status: { ...record, status: 'recognized', intent: decision.intent } };
  } else if (decision.kind === 'ask') {
    const payload = check(encode(ClarificationSchema, { ...base, type: 'clarification', ask: decision.ask, text: decision.text, entities: decision.entities }));
    const context: ConversationContext = { pendingIntent: decision.intent, entities: decision.entities, awaiting: decision.ask, inputId: input.id };
    effects = {
      context: { set: context },
      topic: TOPICS.results,
      payload,
      status: { ...record, status: 'clarifying', intent: decision.intent, reply: decision.text },
    };
  } else {
    const payload = check(encode(ActionResultSchema, { ...base, type: 'action.result', status: 'ok', reply: decision.reply, attempts: 1 }));
    effects = {
      context: { delete: true },
      topic: TOPICS.results,
      payload,
      status: { ...record, status: 'completed', intent: decision.intent, reply: decision.reply },
    };
  }
  const span: Span = {
    ...envelope,
    type: 'span',
    spanId: newSpanId(),
    service: 'nlp',
    name: 'recognize',
    startMs,
    endMs: Math.max(startMs, spanTime()),
    attributes: {
      intent: decision.intent,
      confidence: decision.confidence,
      path: decision.path,
      ...llmAttributes(decision),
      entities: decision.kind === 'reply' ? 0 : Object.keys(decision.entities).length,
      rejected: decision.rejected,
      outcome: decision.kind === 'intent' ? 'recognized' : decision.kind === 'ask' ? `ask-${decision.ask.kind}` : decision.outcome,
    },
  };
  return { ...effects, span };
}

/** The turn's state as store writes, recorded atomically with its ledger entry: context, status and span. */
export function turnWrites(effects: TurnEffects): StateWrite[] {
  const { conversationId } = effects.status;
  return [
    'set' in effects.context
      ? { kind: 'set-context', conversationId, context: effects.context.set, ttlMs: CONTEXT_TTL_MS }
      : { kind: 'delete-context', conversationId },
    { kind: 'message', update: effects.status },
    { kind: 'spans', spans: [effects.span] },
  ];
}

/** What the ledger keeps of a turn: its message. The state was written with the entry, so a replay only republishes. */
export interface RecordedTurn {
  topic: TurnEffects['topic'];
  payload: unknown;
  conversationId: string;
}

export function recordedTurn(effects: TurnEffects): RecordedTurn {
  return { topic: effects.topic, payload: effects.payload, conversationId: effects.status.conversationId };
}

/**
 * Publishes the turn's message with the input's ack, once its ledger entry and state have committed: a crash
 * before the ack replays the recorded turn instead of deciding it again.
 */
export function publishTurn(turn: RecordedTurn, delivery: Delivery): void {
  delivery.publishOnAck(turn.topic, { payload: turn.payload, orderingKey: turn.conversationId });
}

// Tokens and cost of the turn's LLM calls, for the TUI and `bot traces`; none on a purely local turn.
function llmAttributes(decision: TurnDecision): Record<string, string | number> {
  if (!decision.usage) return {};
  return {
    ...(decision.model && { model: decision.model }),
    llmCalls: decision.usage.llmCalls,
    inputTokens: decision.usage.inputTokens,
    outputTokens: decision.usage.outputTokens,
    costUsd: decision.usage.costUsd,
    ...(decision.llmError && { llmError: decision.llmError.slice(0, 500) }),
  };
}

function check<T>(result: { ok: true; value: T } | { ok: false; error: Error }): T {
  if (!result.ok) throw result.error;
  return result.value;
}
