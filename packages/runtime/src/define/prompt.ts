// definePrompt: an LLM prompt served as a REST endpoint, `POST /v1/prompts/:name`, with typed input and output.
import { z } from 'zod';
import { DefinitionError, IntentNameSchema } from './intent.ts';

/** What a user passes to {@link definePrompt}. */
export interface PromptOptions<I extends z.ZodObject, O extends z.ZodType | undefined> {
  /** Unique name, the last part of the endpoint's URL, e.g. `summarize` for `POST /v1/prompts/summarize`. */
  name: string;
  /** The model the gateway is asked for, e.g. `gpt-4o-mini`. */
  model: string;
  /** The prompt, with `{{variable}}` placeholders filled from the request body; every variable must be in `input`. */
  template: string;
  /** Validates the request body (400 naming the field when it does not pass). */
  input: I;
  /** When given, the model answers in this shape (structured output), validated before the caller sees it. */
  output?: O;
  /** One line on what the endpoint does, for the API docs. */
  description?: string;
}

/** A defined prompt. */
export interface Prompt<I extends z.ZodObject = z.ZodObject, O extends z.ZodType | undefined = z.ZodType | undefined> {
  readonly kind: 'prompt';
  readonly name: string;
  readonly model: string;
  readonly template: string;
  readonly input: I;
  readonly output: O;
  readonly description: string;
}

const isZod = (type?: string) => (value: unknown) => {
  const def = (value as { _zod?: { def?: { type?: unknown } } } | null)?._zod?.def;
  return def !== undefined && (type === undefined || def.type === type);
};

const PromptOptionsSchema = z.object({
  name: IntentNameSchema,
  model: z.string().min(1),
  template: z.string().min(1),
  input: z.custom<z.ZodObject>(isZod('object'), 'input must be a zod object: z.object({...})'),
  output: z.custom<z.ZodType>(isZod(), 'output must be a zod schema').optional(),
  description: z.string().optional(),
});

const VARIABLE = /\{\{\s*([A-Za-z_][\w]*)\s*\}\}/g;

/** The `{{variable}}` names a template uses, in order of first use. */
export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(VARIABLE)].map((m) => m[1] as string))];
}

/** Fills `{{variable}}` with `values[variable]`: strings as they are, anything else as JSON. */
export function fillTemplate(template: string, values: Record<string, unknown>): string {
  return template.replace(VARIABLE, (_, name: string) => {
    const value = values[name];
    return typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  });
}

/**
 * Declares a prompt endpoint.
 * @example
 * export default definePrompt({
 *   name: 'summarize',
 *   model: 'gpt-4o-mini',
 *   template: 'Summarise in {{words}} words:\n\n{{text}}',
 *   input: z.object({ text: z.string().max(20_000), words: z.number().int().default(50) }),
 *   output: z.object({ summary: z.string() }),
 * });
 */
export function definePrompt<I extends z.ZodObject, O extends z.ZodType | undefined = undefined>(options: PromptOptions<I, O>): Prompt<I, O> {
  const parsed = PromptOptionsSchema.safeParse(options);
  if (!parsed.success) throw new DefinitionError('PROMPT_INVALID', `definePrompt: ${z.prettifyError(parsed.error)}`);
  return Object.freeze({
    kind: 'prompt',
    name: options.name,
    model: options.model,
    template: options.template,
    input: options.input,
    output: options.output as O,
    description: options.description ?? '',
  });
}

export function isPrompt(value: unknown): value is Prompt {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'prompt';
}
