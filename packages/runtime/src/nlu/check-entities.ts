// Every entity, from the local engine or an LLM, is checked by its intent's zod schema before it is passed on.
import type { z } from 'zod';
import type { ExtractedEntity, RejectedEntity } from './types.ts';

/** Splits `entities` into those the intent's schema accepts and those it rejects (with the reason). */
export function checkEntities(entities: ExtractedEntity[], schema: z.ZodObject | undefined): { entities: ExtractedEntity[]; rejected: RejectedEntity[] } {
  const accepted: ExtractedEntity[] = [];
  const rejected: RejectedEntity[] = [];
  for (const entity of entities) {
    const field = schema?.shape[entity.entity] as z.ZodType | undefined;
    if (!field) {
      rejected.push({ entity: entity.entity, text: entity.text, reason: 'the intent has no such entity' });
      continue;
    }
    const reason = validateEntityValue(field, entity.value);
    if (reason === undefined) accepted.push(entity);
    else rejected.push({ entity: entity.entity, text: entity.text, reason });
  }
  return { entities: accepted, rejected };
}

/**
 * Why `value` fails `field`, or undefined when it passes. Datetimes travel as ISO strings; a `z.date()` field
 * is checked against the instant they name.
 */
export function validateEntityValue(field: z.ZodType, value: unknown): string | undefined {
  const parsed = field.safeParse(value);
  if (parsed.success) return undefined;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && field.safeParse(new Date(value)).success) return undefined;
  return parsed.error.issues.map((i) => i.message).join('; ');
}
