// defineIntent: an intent's name, description, training examples and typed entity schema.
import { z } from 'zod';

/** The reserved intent name for out-of-scope input. */
export const NONE_INTENT = 'none';

/** Intent names: lowercase words joined by `_`, `-` or `.`, so they work as file names and URL parts. */
export const IntentNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9]*(?:[_.-][a-z0-9]+)*$/, 'use lowercase letters, digits and "_", "-" or "." (e.g. "update_status")');

/** What a user passes to {@link defineIntent}. */
export interface IntentOptions<S extends z.ZodObject> {
  /** Unique name, e.g. `update_status`. `none` is reserved for out-of-scope examples. */
  name: string;
  /** One line on what the intent means; the LLM path reads it. */
  description?: string;
  /** Training examples, with inline entity annotations: `move [Apollo](project) to [done](status)`. */
  examples: readonly string[];
  /** The entities as a zod object; it types the action's `entities` and validates every extraction. */
  entities?: S;
  /** Ask the user "yes/no" before running the action (destructive intents). @default false */
  confirm?: boolean;
}

/** A defined intent. `S` carries the entity schema's type through to actions. */
export interface Intent<S extends z.ZodObject = z.ZodObject> {
  readonly kind: 'intent';
  readonly name: string;
  readonly description: string;
  readonly examples: readonly string[];
  readonly entities: S;
  readonly confirm: boolean;
}

const IntentOptionsSchema = z.object({
  name: IntentNameSchema,
  description: z.string().optional(),
  examples: z.array(z.string()),
  entities: z.custom<z.ZodObject>(isZodObject, 'entities must be a zod object: z.object({...})').optional(),
  confirm: z.boolean().optional(),
});

/**
 * Declares an intent.
 * @example
 * export default defineIntent({
 *   name: 'update_status',
 *   examples: ['move [Apollo](project) to [done](status)'],
 *   entities: z.object({ project: z.string(), status: z.enum(['todo', 'done']) }),
 * });
 */
export function defineIntent<S extends z.ZodObject = z.ZodObject<Record<never, z.ZodType>>>(options: IntentOptions<S>): Intent<S> {
  const parsed = IntentOptionsSchema.safeParse(options);
  if (!parsed.success) throw new DefinitionError('INTENT_INVALID', `defineIntent: ${z.prettifyError(parsed.error)}`);
  return Object.freeze({
    kind: 'intent',
    name: options.name,
    description: options.description ?? '',
    examples: Object.freeze([...options.examples]),
    entities: (options.entities ?? z.object({})) as S,
    confirm: options.confirm ?? false,
  });
}

/** A misuse of the definitions API, reported where the definition is made. */
export class DefinitionError extends Error {
  override readonly name = 'DefinitionError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function isIntent(value: unknown): value is Intent {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'intent';
}

// Duck-typed so that a project with its own copy of zod still passes.
function isZodObject(value: unknown): boolean {
  const def = (value as { _zod?: { def?: { type?: unknown } } } | null)?._zod?.def;
  return def?.type === 'object';
}
