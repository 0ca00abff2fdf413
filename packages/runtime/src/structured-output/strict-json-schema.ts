// Zod schemas as the JSON schemas OpenAI's strict structured output accepts: every property required,
// optional ones nullable, no extra properties, `anyOf` rather than `oneOf`.
import { z } from 'zod';

type Json = Record<string, unknown>;

/**
 * Makes every optional field of an object schema required but nullable, the way strict structured output
 * expresses "may be absent"; {@link dropNulls} turns the model's nulls back into absent fields.
 */
export function nullableOptionals(schema: z.ZodObject): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, field] of Object.entries(schema.shape) as [string, z.ZodType][]) {
    shape[name] = field.safeParse(undefined).success ? unwrapOptional(field).nullable() : field;
  }
  return z.object(shape);
}

/** The JSON schema of `schema` (its input side), rewritten for `response_format: {type: 'json_schema', strict: true}`. */
export function toStrictJsonSchema(schema: z.ZodType): Json {
  const json = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      const def = ctx.zodSchema._zod.def as { type: string };
      if (def.type === 'date') Object.assign(ctx.jsonSchema, { type: 'string', format: 'date-time' });
    },
  }) as Json;
  delete json.$schema;
  return strictify(json);
}

/** `{a: null, b: 1}` -> `{b: 1}`: a null from the model means the entity was not given. */
export function dropNulls(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined));
}

function strictify(node: unknown): Json {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return node as Json;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'oneOf') out.anyOf = (value as unknown[]).map(strictify);
    else if (key === 'const') out.enum = [value];
    // Safe-integer bounds and format regexes only lengthen the prompt; the zod schema checks them afterwards.
    else if ((key === 'maximum' && value === Number.MAX_SAFE_INTEGER) || (key === 'minimum' && value === Number.MIN_SAFE_INTEGER)) continue;
    else if (key === 'pattern' && 'format' in node) continue;
    else if (key === 'properties') out.properties = Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, strictify(v)]));
    else if (Array.isArray(value)) out[key] = value.map((v) => (typeof v === 'object' ? strictify(v) : v));
    else if (typeof value === 'object' && value !== null) out[key] = strictify(value);
    else out[key] = value;
  }
  if (out.type === 'object') {
    out.properties ??= {};
    out.required = Object.keys(out.properties as Json);
    out.additionalProperties = false;
  }
  return out;
}

function unwrapOptional(field: z.ZodType): z.ZodType {
  let node = field;
  for (let depth = 0; depth < 10; depth++) {
    const def = node._zod.def as { type: string; innerType?: z.ZodType };
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'prefault') && def.innerType) node = def.innerType;
    else break;
  }
  return node;
}
