// decideTurn: what one user turn means, given the conversation's context — an intent, a question, or a reply.
import type { z } from 'zod';
import type { NluResult, Recognizer } from '../../nlu/index.ts';
import type { Project, ProjectIntent } from '../../project/types.ts';
import type { ConversationContext } from '../../store/types.ts';
import type { LlmUsage } from '../../structured-output/llm-usage.ts';
import { CANCELLED_REPLY, confirmationQuestion, confirmationRetry, fallbackReply, slotQuestion, slotRetry } from './nlp-replies.ts';
import { isCancel, readYesNo } from './yes-no.ts';

/** A different intent must be at least this sure to abandon a pending question. */
const ABANDON_CONFIDENCE = 0.9;

interface Scored {
  confidence: number;
  ranking: { intent: string; confidence: number }[];
  /** Entities the schema refused (reported in the span, never passed on). */
  rejected: number;
  /** Which engine decided. */
  path: 'local' | 'llm';
  /** LLM calls made for this turn, if any. */
  usage?: LlmUsage;
  /** Why the LLM's answer was not used. */
  llmError?: string;
  /** The model asked, when the LLM was. */
  model?: string;
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

export interface TurnInput {
  text: string;
  referenceTime: Date;
  traceId?: string;
}

export async function decideTurn(nlu: Nlu, turn: TurnInput, context: ConversationContext | undefined): Promise<TurnDecision> {
  const { text, referenceTime, traceId } = turn;
  const pending = context?.pendingIntent ? nlu.project.intents.find((i) => i.name === context.pendingIntent) : undefined;
  if (!pending || !context?.awaiting) return recognize(nlu, await nlu.recognizer.parseAsync(text, { referenceTime, traceId }));
  const answered: Scored = { confidence: 1, ranking: [{ intent: pending.name, confidence: 1 }], rejected: 0, path: 'local' };

  if (context.awaiting.kind === 'confirmation') {
    const answer = readYesNo(text);
    if (answer === 'yes') return { ...answered, kind: 'intent', intent: pending.name, entities: context.entities, confirmed: true };
    if (answer === 'no') return cancelled(pending, answered);
    const parsed = await nlu.recognizer.parseAsync(text, { referenceTime, traceId });
    if (abandons(parsed, pending, text)) return recognize(nlu, parsed);
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
  const parsed = await nlu.recognizer.parseAsync(text, { referenceTime, traceId, intent: pending.name });
  // The local engine extracts the pending intent's entities when asked to; an LLM's belong to the intent it chose.
  const answers = parsed.path === 'llm' && parsed.intent.name !== pending.name ? [] : parsed.entities;
  const found = answers.some((e) => e.entity === awaited);
  if (!found && abandons(parsed, pending, text)) {
    return recognize(nlu, parsed.path === 'llm' ? parsed : await nlu.recognizer.parseAsync(text, { referenceTime, traceId }));
  }
  const slotScore = { ...answered, ...llmOf(parsed, nlu), rejected: parsed.rejected.length };
  const entities = { ...context.entities };
  for (const entity of answers) entities[entity.entity] ??= entity.value;
  entities[awaited] ??= wholeTextAnswer(pending, awaited, text);
  if (entities[awaited] === undefined) {
    delete entities[awaited];
    const spec = pending.entities.find((s) => s.name === awaited);
    const question = spec ? slotRetry(spec) : `Which ${awaited}?`;
    return {
      ...slotScore,
      kind: 'ask',
      intent: pending.name,
      entities,
      ask: { kind: 'slot', entity: awaited },
      text: question,
    };
  }
  return complete(pending, entities, slotScore);
}

function recognize(nlu: Nlu, parsed: NluResult): TurnDecision {
  const scored: Scored = {
    confidence: clamp(parsed.intent.confidence),
    ranking: parsed.ranking.map((r) => ({ intent: r.name, confidence: clamp(r.confidence) })),
    rejected: parsed.rejected.length,
    ...llmOf(parsed, nlu),
  };
  const intent = nlu.project.intents.find((i) => i.name === parsed.intent.name);
  // An LLM answer is a choice, not a score: only the local engine's confidence is held to the threshold.
  if (!intent || intent.name === 'none' || (parsed.path !== 'llm' && parsed.intent.confidence < nlu.project.config.nlu.threshold)) {
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

function llmOf(parsed: NluResult, nlu: Nlu): Pick<Scored, 'path' | 'usage' | 'llmError' | 'model'> {
  return {
    path: parsed.path ?? 'local',
    ...(parsed.usage && { usage: parsed.usage, model: nlu.project.config.nlu.model }),
    ...(parsed.llmError !== undefined && { llmError: parsed.llmError }),
  };
}

function clamp(confidence: number): number {
  return Math.min(1, Math.max(0, confidence));
}
