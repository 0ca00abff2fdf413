// Warms a recognizer before the first parse that someone waits for (a user's message, a timed fixture).
import type { Project } from '../project/types.ts';
import { findDates } from './date-values.ts';
import type { Recognizer } from './recognizer.ts';

/**
 * Parses a few training sentences: the first parses pay for JIT compilation and chrono-node's set-up (about
 * 200 ms over the first two), which would otherwise land on a user's message or a fixture's latency.
 */
export function warmUp(recognizer: Recognizer, project: Project): Recognizer {
  for (const example of project.examples.slice(0, 20)) recognizer.parse(`${example.text} tomorrow at 3pm`, { referenceTime: new Date() });
  // The date parser is loaded on first use: a bot with dates loads it now, not on a user's message.
  if (project.intents.some((i) => i.entities.some((e) => e.kind === 'date' || e.kind === 'datetime'))) findDates('tomorrow', new Date());
  return recognizer;
}
