// The NLU prompt: the bot's intents with their descriptions, entities and a few annotated examples.
import { formatAnnotatedExample } from '../define/annotations.ts';
import type { EntitySpec } from '../define/entity-spec.ts';
import { NONE_INTENT } from '../define/intent.ts';
import type { Project, TrainingExample } from '../project/types.ts';

export interface NluPromptOptions {
  /** Examples shown per intent. */
  examplesPerIntent: number;
  referenceTime: Date;
  /** The intent whose missing entity the bot just asked for (slot filling). */
  pendingIntent?: string;
}

/** The system message; the user's text goes in the user message, unchanged. */
export function buildNluPrompt(project: Project, options: NluPromptOptions): string {
  const intents = project.intents.filter((i) => i.name !== NONE_INTENT);
  const lines = [
    `You read one message sent to the bot "${project.config.name}" and say which of its intents the message asks for, with the entities the message states.`,
    `Answer with intent "${NONE_INTENT}" when the message fits none of the intents (out of scope).`,
    'Give only entities the message states; use null for any it does not give. Never invent values.',
  ];
  // The date only when an entity needs it: a prompt without it is identical every day, so recorded
  // exchanges (bot test --record) replay on any day. To the minute, not the millisecond: relative times need no
  // more, and the same message within a minute is then the same request (the gateway's cache can answer it).
  if (intents.some((i) => i.entities.some((e) => e.kind === 'date' || e.kind === 'datetime'))) {
    const now = `${options.referenceTime.toISOString().slice(0, 16)}Z`;
    lines.push(`Now is ${now}; resolve relative dates against it. Dates are YYYY-MM-DD, date-times ISO 8601.`);
  }
  if (options.pendingIntent) {
    lines.push(
      `The bot has just asked the user for a missing detail of intent "${options.pendingIntent}": if the message answers it, the intent is "${options.pendingIntent}".`,
    );
  }
  lines.push('In examples, [text](entity) marks an entity and [text](entity:value) gives its value.', '', 'Intents:');
  for (const intent of intents) {
    lines.push(`- ${intent.name}${intent.description ? `: ${intent.description}` : ''}`);
    if (intent.entities.length) lines.push(`  entities: ${intent.entities.map(describeEntity).join('; ')}`);
    for (const example of pickExamples(project.examples, intent.name, options.examplesPerIntent)) lines.push(`  e.g. ${example}`);
  }
  const none = pickExamples(project.examples, NONE_INTENT, options.examplesPerIntent);
  if (none.length) lines.push(`- ${NONE_INTENT}: anything else`, ...none.map((e) => `  e.g. ${e}`));
  return lines.join('\n');
}

function describeEntity(spec: EntitySpec): string {
  const kind =
    spec.kind === 'enum'
      ? `one of ${(spec.values ?? []).join(', ')}${synonyms(spec)}`
      : spec.kind === 'date'
        ? 'date YYYY-MM-DD'
        : spec.kind === 'datetime'
          ? 'ISO date-time'
          : spec.kind;
  return `${spec.name} (${kind}${spec.required ? '' : ', optional'}${spec.description ? `, ${spec.description}` : ''})`;
}

function synonyms(spec: EntitySpec): string {
  const pairs = Object.entries(spec.synonyms ?? {}).flatMap(([value, aliases]) => aliases.map((a) => `"${a}" = ${value}`));
  return pairs.length ? `; ${pairs.join(', ')}` : '';
}

// Annotated examples first (they teach the entities), in project order so the prompt is stable.
function pickExamples(examples: readonly TrainingExample[], intent: string, count: number): string[] {
  const mine = examples.filter((e) => e.intent === intent);
  const ordered = [...mine.filter((e) => e.entities.length > 0), ...mine.filter((e) => e.entities.length === 0)];
  return ordered.slice(0, count).map((e) => formatAnnotatedExample({ text: e.text, entities: e.entities }));
}
