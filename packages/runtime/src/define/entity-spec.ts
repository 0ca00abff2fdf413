// Reads an intent's zod entity schema into plain, serialisable entity specs that the NLU trains on.
import { z } from 'zod';

/** How the NLU finds and normalises an entity's value. */
export type EntityKind = 'text' | 'enum' | 'number' | 'date' | 'datetime' | 'boolean';

/** A serialisable description of one entity of an intent, derived from its zod schema. */
export interface EntitySpec {
  name: string;
  kind: EntityKind;
  required: boolean;
  description?: string;
  /** What the bot asks when the entity is required and missing, from `.meta({ ask })`; else a question from its kind. */
  ask?: string;
  /** For `enum`: the allowed values. */
  values?: string[];
  /** For `enum`: other ways users say a value, from `.meta({ synonyms: { value: ['alias'] } })`. */
  synonyms?: Record<string, string[]>;
}

/** Metadata an entity schema may carry with `.meta({...})`. */
export const EntityMetaSchema = z.looseObject({
  description: z.string().optional(),
  ask: z.string().trim().min(1).optional(),
  synonyms: z.record(z.string(), z.array(z.string())).optional(),
});

type AnySchema = z.core.$ZodType;

/** Describes every entity of an intent. Unsupported schema types are reported as `text`. */
export function describeEntities(schema: z.ZodObject): EntitySpec[] {
  return Object.entries(schema.shape).map(([name, field]) => describeEntity(name, field as AnySchema));
}

function describeEntity(name: string, field: AnySchema): EntitySpec {
  let required = true;
  let node: AnySchema = field;
  const meta: { description?: string; ask?: string; synonyms?: Record<string, string[]> } = {};
  const collectMeta = (s: AnySchema) => {
    const found = z.globalRegistry.get(s);
    if (!found) return;
    const parsed = EntityMetaSchema.safeParse(found);
    if (!parsed.success) return;
    meta.description ??= parsed.data.description;
    meta.ask ??= parsed.data.ask;
    meta.synonyms ??= parsed.data.synonyms;
  };
  // Unwrap optional/nullable/default/pipe wrappers down to the value type.
  for (let depth = 0; depth < 10; depth++) {
    collectMeta(node);
    const def = node._zod.def as { type: string; innerType?: AnySchema; in?: AnySchema; out?: AnySchema };
    if (def.type === 'optional' || def.type === 'default' || def.type === 'prefault') {
      if (def.type === 'optional') required = false;
      else required = false;
      node = def.innerType as AnySchema;
    } else if (def.type === 'nullable' || def.type === 'readonly' || def.type === 'catch') {
      node = def.innerType as AnySchema;
    } else if (def.type === 'pipe') {
      node = (def.out && (def.out._zod.def as { type: string }).type !== 'transform' ? def.out : def.in) as AnySchema;
    } else break;
  }
  const def = node._zod.def as { type: string; format?: string; entries?: Record<string, string | number> };
  const spec: EntitySpec = { name, kind: 'text', required };
  if (meta.description) spec.description = meta.description;
  if (meta.ask) spec.ask = meta.ask;
  switch (def.type) {
    case 'enum': {
      spec.kind = 'enum';
      spec.values = Object.values(def.entries ?? {}).map(String);
      if (meta.synonyms) spec.synonyms = meta.synonyms;
      break;
    }
    case 'number':
    case 'int':
    case 'bigint':
      spec.kind = 'number';
      break;
    case 'date':
      spec.kind = 'datetime';
      break;
    case 'boolean':
      spec.kind = 'boolean';
      break;
    case 'string':
      if (def.format === 'date') spec.kind = 'date';
      else if (def.format === 'datetime') spec.kind = 'datetime';
      break;
  }
  return spec;
}
