// checkEntities: the executor's own check of an intent's entities against its schema, right before the action sees them.
import type { z } from 'zod';
import { ExecutorError } from './action-errors.ts';

const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T/;

/**
 * Parses `entities` with `schema` (applying its defaults and transforms). Datetimes travel as ISO strings,
 * so a `z.date()` field gets the `Date` they name. Throws a non-retryable `ENTITIES_INVALID` on a mismatch.
 */
export function checkEntities(schema: z.ZodObject | undefined, entities: Record<string, unknown>): Record<string, unknown> {
  if (!schema) return entities;
  const first = schema.safeParse(entities);
  if (first.success) return first.data;
  const revived = { ...entities };
  for (const [name, value] of Object.entries(entities)) {
    const field = schema.shape[name] as z.ZodType | undefined;
    if (typeof value === 'string' && ISO_DATETIME.test(value) && field && !field.safeParse(value).success && field.safeParse(new Date(value)).success) {
      revived[name] = new Date(value);
    }
  }
  const second = schema.safeParse(revived);
  if (second.success) return second.data;
  const issues = second.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  throw new ExecutorError(
    'ENTITIES_INVALID',
    `entities do not match the intent's schema: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    true,
    issues,
  );
}
