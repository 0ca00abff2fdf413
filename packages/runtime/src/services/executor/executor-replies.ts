// The user-safe texts the executor replies with when an action cannot give its own.
import type { IntentRecognized } from '../../contracts/intent-recognized.ts';

function label(intent: string): string {
  return intent.replace(/[_.-]+/g, ' ');
}

/** For a failed or timed-out action: says sorry, never shows the error. */
export function failureReply(intent: string): string {
  return `Sorry, something went wrong while handling "${label(intent)}". Please try again.`;
}

/** While the action's circuit is open. */
export function unavailableReply(intent: string): string {
  const name = label(intent);
  return `${name.charAt(0).toUpperCase()}${name.slice(1)} is unavailable right now, try again shortly.`;
}

/** For an intent that has no action: names the intent and what was understood. */
export function noActionReply(message: IntentRecognized): string {
  const entities = Object.entries(message.entities).map(([name, value]) => `${label(name)}: ${String(value)}`);
  return `Understood "${label(message.intent)}"${entities.length ? ` (${entities.join(', ')})` : ''}, but no action is defined for it yet.`;
}
