// decideTurn: what one user turn means, given the conversation's context — an intent, a question, or a reply.
import type { z } from 'zod';
import type { NluResult, Recognizer } from '../../nlu/index.ts';
import type { Project, ProjectIntent } from '../../project/types.ts';
import type { ConversationContext } from '../../store/types.ts';
import { CANCELLED_REPLY, confirmationQuestion, confirmationRetry, fallbackReply, slotQuestion, slotRetry } from './nlp-replies.ts';
import { isCancel, readYesNo } from './yes-no.ts';

/** A different intent must be at least this sure to abandon a pending question. */
const ABANDON_CONFIDENCE = 0.9;

interface Scored {
  confidence: number;
  ranking: { intent: string; confidence: number }[];
  /** Entities the schema refused (reported in the span, never passed on). */
  rejected: number;
}

/** What to do with a turn. `intent`: complete, run it. `ask`: a question back. `reply`: answer and forget the context. */
export type TurnDecision = Scored &
  (
    | { kind: 'intent'; intent: string; entities: Record<string, unknown>; confirmed?: true }
    | { kind: 'ask'; intent: string; entities: Record<string, unknown>; ask: { kind: 'slot'; entity: string } | { kind: 'confirmation' }; text: string }
    | { kind: 'reply'; intent: string; reply: string; outcome: 'fallback' | 'cancelled' }
  );

/** The recognizer and the project it was trained from; swapped together on reload. */
export interface Nlu {
  project: Project;
  recognizer: Recognizer;
}

export function decideTurn(nlu: Nlu, text: string, context: ConversationContext | undefined, referenceTime: Date): TurnDecision {
  const pending = context?.pendingIntent ? nlu.project.intents.find((i) => i.name === context.pendingIntent) : undefined;
  if (!pending || !context?.awaiting) return recognize(nlu, text, referenceTime);
  const answered: Scored = { confidence: 1, ranking: [{ intent: pending.name, confidence: 1 }], rejected: 0 };

  if (context.awaiting.kind === 'confirmation') {
    const answer = readYesNo(text);
    if (answer === 'yes') return { ...answered, kind: 'intent', intent: pending.name, entities: context.entities, confirmed: true };
    if (answer === 'no') return cancelled(pending, answered);
    const parsed = nlu.recognizer.parse(text, { referenceTime });
    if (abandons(parsed, pending, text)) return recognize(nlu, text, referenceTime, parsed);
    return {
      ...answered,
      kind: 'ask',
      intent: pending.name,
      entities: context.entities,
      ask: { kind: 'confirmation' },
      text: confirmationRetry(pending, context.entities),
    };
  }

  if (isCancel(text)) return cancelled(pending, answered);
  const awaited = context.awaiting.entity;
  const parsed = nlu.recognizer.parse(text, { referenceTime, intent: pending.name });
  const found = parsed.entities.some((e) => e.entity === awaited);
  if (!found && abandons(parsed, pending, text)) return recognize(nlu, text, referenceTime);
  const entities = { ...context.entities };
  for (const entity of parsed.entities) entities[entity.entity] ??= entity.value;
  entities[awaited] ??= wholeTextAnswer(pending, awaited, text);
  if (entities[awaited] === undefined) {
    delete entities[awaited];
    const spec = pending.entities.find((s) => s.name === awaited);
    const question = spec ? slotRetry(spec) : `Which ${awaited}?`;
    return {
      ...answered,
      rejected: parsed.rejected.length,
      kind: 'ask',
      intent: pending.name,
      entities,
      ask: { kind: 'slot', entity: awaited },
      text: question,
    };
  }
  return complete(pending, entities, { ...answered, rejected: parsed.rejected.length });
}

function recognize(nlu: Nlu, text: string, referenceTime: Date, alreadyParsed?: NluResult): TurnDecision {
  const parsed = alreadyParsed ?? nlu.recognizer.parse(text, { referenceTime });
  const scored: Scored = {
    confidence: clamp(parsed.intent.confidence),
    ranking: parsed.ranking.map((r) => ({ intent: r.name, confidence: clamp(r.confidence) })),
    rejected: parsed.rejected.length,
  };
  const intent = nlu.project.intents.find((i) => i.name === parsed.intent.name);
  if (!intent || intent.name === 'none' || parsed.intent.confidence < nlu.project.config.nlu.threshold) {
    return { ...scored, kind: 'reply', intent: 'none', reply: fallbackReply(nlu.project.intents), outcome: 'fallback' };
  }
  const entities: Record<string, unknown> = {};
  for (const entity of parsed.entities) entities[entity.entity] ??= entity.value;
  return complete(intent, entities, scored);
}

// The next missing required entity is asked for; a destructive intent is confirmed first.
function complete(intent: ProjectIntent, entities: Record<string, unknown>, scored: Scored): TurnDecision {
  const missing = intent.entities.find((spec) => spec.required && entities[spec.name] === undefined);
  if (missing) return { ...scored, kind: 'ask', intent: intent.name, entities, ask: { kind: 'slot', entity: missing.name }, text: slotQuestion(missing) };
  if (intent.confirm)
    return { ...scored, kind: 'ask', intent: intent.name, entities, ask: { kind: 'confirmation' }, text: confirmationQuestion(intent, entities) };
  return { ...scored, kind: 'intent', intent: intent.name, entities };
}

function cancelled(pending: ProjectIntent, scored: Scored): TurnDecision {
  return { ...scored, kind: 'reply', intent: pending.name, reply: CANCELLED_REPLY, outcome: 'cancelled' };
}

// A one-word turn is taken as an answer: "Apollo" alone can look like some other intent to the classifier.
function abandons(parsed: NluResult, pending: ProjectIntent, text: string): boolean {
  const other = parsed.intent.name !== pending.name && parsed.intent.name !== 'none';
  return other && parsed.intent.confidence >= ABANDON_CONFIDENCE && text.trim().split(/\s+/).length > 1;
}

// "Which project?" — "Apollo": the model rarely labels a bare answer, so a free-text slot takes the whole turn,
// provided the intent's schema accepts it.
function wholeTextAnswer(intent: ProjectIntent, entity: string, text: string): string | undefined {
  const spec = intent.entities.find((s) => s.name === entity);
  const value = text.trim().replace(/[.!?]+$/, '');
  if (spec?.kind !== 'text' || value === '' || value.length > 200) return undefined;
  const field = intent.schema.shape[entity] as z.ZodType | undefined;
  return field?.safeParse(value).success ? value : undefined;
}

function clamp(confidence: number): number {
  return Math.min(1, Math.max(0, confidence));
}
