// The texts nlp says to the user: the fallback, slot questions, confirmations and cancellations.
import type { EntitySpec } from '../../define/entity-spec.ts';
import type { ProjectIntent } from '../../project/types.ts';

const FALLBACK_LIMIT = 5;

/** "update_status" -> "update status". */
export function humanize(name: string): string {
  return name.replace(/[_.-]+/g, ' ');
}

/** The out-of-scope reply, listing what the bot can do (descriptions where the intents have them). */
export function fallbackReply(intents: readonly ProjectIntent[]): string {
  const offered = intents.filter((i) => i.name !== 'none').slice(0, FALLBACK_LIMIT);
  if (offered.length === 0) return "Sorry, I didn't get that.";
  const items = offered.map((i) => sentenceCase(i.description.trim().replace(/\.$/, '')) || humanize(i.name));
  // Descriptions are sentences of their own, often with commas: then the list needs a stronger separator.
  return `Sorry, I didn't get that. I can help with: ${items.join(items.some((item) => item.includes(',')) ? '; ' : ', ')}.`;
}

/** The question for a missing entity: its own (`.meta({ ask })`), or one shaped by its kind ("Which status? (todo, in progress, done)"). */
export function slotQuestion(spec: EntitySpec): string {
  if (spec.ask) return spec.ask;
  const label = humanize(spec.name);
  const hint = spec.description ? ` (${spec.description.trim().replace(/\.$/, '')})` : '';
  switch (spec.kind) {
    case 'enum':
      return `Which ${label}? (${(spec.values ?? []).map(humanize).join(', ')})`;
    case 'number':
      return `How many ${label}?${hint}`;
    case 'date':
    case 'datetime':
      // The name of a date is often not a noun ("when", "due"): "When: which date and time? (When the meeting starts)".
      return `${capitalize(label)}: which date${spec.kind === 'datetime' ? ' and time' : ''}?${hint}`;
    case 'boolean':
      return `${capitalize(label)}? (yes/no)`;
    default:
      return `Which ${label}?${hint}`;
  }
}

/** Asked again when an answer did not fill the slot. */
export function slotRetry(spec: EntitySpec): string {
  return `Sorry, I didn't catch the ${humanize(spec.name)}. ${slotQuestion(spec)}`;
}

/** "Delete a project (project: Apollo) — are you sure? (yes/no)" */
export function confirmationQuestion(intent: ProjectIntent, entities: Record<string, unknown>): string {
  const what = capitalize(intent.description.trim().replace(/\.$/, '') || humanize(intent.name));
  const filled = Object.entries(entities).map(([name, value]) => `${humanize(name)}: ${String(value)}`);
  return `${what}${filled.length ? ` (${filled.join(', ')})` : ''} — are you sure? (yes/no)`;
}

export function confirmationRetry(intent: ProjectIntent, entities: Record<string, unknown>): string {
  return `Please answer yes or no. ${confirmationQuestion(intent, entities)}`;
}

export const CANCELLED_REPLY = "OK, I've cancelled that.";

/** "Find a colleague" -> "find a colleague", to sit mid-sentence; "API keys" keeps its capitals. */
function sentenceCase(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
