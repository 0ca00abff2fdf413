// The shape the model must answer in (a union over the intents, from their zod schemas) and its validation:
// only a declared intent with schema-valid entities gets through.
import { z } from 'zod';
import { NONE_INTENT } from '../define/intent.ts';
import type { ProjectIntent } from '../project/types.ts';
import type { Validation } from '../structured-output/complete-structured.ts';
import { dropNulls, nullableOptionals } from '../structured-output/strict-json-schema.ts';
import { validateEntityValue } from './check-entities.ts';
import type { ExtractedEntity } from './types.ts';

/** A validated answer: a declared intent (or `none`) and entities that passed its schema. */
export interface LlmAnswer {
  intent: string;
  entities: ExtractedEntity[];
}

/** `{result: {intent: 'x', entities: {...}} | ... | {intent: 'none'}}`: strict output wants an object at the root. */
export function buildAnswerSchema(intents: readonly ProjectIntent[]): z.ZodObject {
  const variants = intents
    .filter((i) => i.name !== NONE_INTENT)
    .map((i) => z.object({ intent: z.literal(i.name), entities: nullableOptionals(i.schema) }) as z.ZodObject);
  variants.push(z.object({ intent: z.literal(NONE_INTENT) }));
  const [first, ...rest] = variants as [z.ZodObject, ...z.ZodObject[]];
  return z.object({ result: rest.length ? z.discriminatedUnion('intent', [first, ...rest]) : first });
}

/** Checks the model's JSON against the project: the error text is what the repair request shows the model. */
export function validateAnswer(value: unknown, intents: readonly ProjectIntent[], text: string): Validation<LlmAnswer> {
  const result = (value as { result?: unknown } | null)?.result as { intent?: unknown; entities?: unknown } | undefined;
  if (typeof result !== 'object' || result === null || typeof result.intent !== 'string') {
    return { ok: false, error: 'expected {"result": {"intent": ..., "entities": {...}}}' };
  }
  if (result.intent === NONE_INTENT) return { ok: true, value: { intent: NONE_INTENT, entities: [] } };
  const intent = intents.find((i) => i.name === result.intent && i.name !== NONE_INTENT);
  if (!intent) {
    const names = [...intents.filter((i) => i.name !== NONE_INTENT).map((i) => i.name), NONE_INTENT];
    return { ok: false, error: `intent "${result.intent}" is not one of: ${names.join(', ')}` };
  }
  const given = result.entities ?? {};
  if (typeof given !== 'object' || Array.isArray(given)) return { ok: false, error: `"entities" of intent "${intent.name}" must be an object` };
  const entities: ExtractedEntity[] = [];
  const errors: string[] = [];
  for (const [name, entityValue] of Object.entries(dropNulls(given as Record<string, unknown>))) {
    const field = intent.schema.shape[name] as z.ZodType | undefined;
    const reason = field ? validateEntityValue(field, entityValue) : `intent "${intent.name}" has no entity "${name}"`;
    if (reason === undefined) entities.push(locate(name, entityValue, text));
    else errors.push(field ? `entity "${name}" = ${JSON.stringify(entityValue)}: ${reason}` : reason);
  }
  if (errors.length) return { ok: false, error: errors.join('; ') };
  return { ok: true, value: { intent: intent.name, entities } };
}

// The span of the value in the text where it appears verbatim; a normalised value ("done" for "finished")
// has no span and reports 0..0.
function locate(entity: string, value: unknown, text: string): ExtractedEntity {
  const surface = String(value);
  const start = text.toLowerCase().indexOf(surface.toLowerCase());
  if (start === -1 || surface === '') return { entity, value, text: surface, start: 0, end: 0, confidence: 1, extractor: 'llm' };
  return { entity, value, text: text.slice(start, start + surface.length), start, end: start + surface.length, confidence: 1, extractor: 'llm' };
}
