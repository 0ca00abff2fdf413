// defineBot: the bot's configuration, validated and resolved with defaults in one place.
import { z } from 'zod';
import { LlmOptionsSchema } from './llm-options.ts';

/** The package-name rule for bot names: lowercase, URL- and file-safe. */
export const BotNameSchema = z
  .string()
  .min(1)
  .max(214)
  .regex(/^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/, 'use lowercase letters, digits, "-", "." and "_" (an npm package name)');

export const NluModeSchema = z.enum(['local', 'llm', 'cascade']);
export type NluMode = z.infer<typeof NluModeSchema>;

export const BrokerKindSchema = z.enum(['sqlite', 'nats']);
export type BrokerKind = z.infer<typeof BrokerKindSchema>;

const unit = z.number().min(0).max(1);

/** The schema of `bot.config.ts`'s default export. Every field has a default except `name`. */
export const BotConfigSchema = z.strictObject({
  /** The bot's name (an npm package name). */
  name: BotNameSchema,
  nlu: z
    .strictObject({
      /** `local`: the embedded engine; `llm`: a model through the gateway; `cascade`: local, then LLM when unsure. @default "local" */
      mode: NluModeSchema.default('local'),
      /** Below this confidence the input is treated as out of scope (`none`). @default 0.5 */
      threshold: unit.default(0.5),
      /** Fewer examples than this for an intent is reported by `bot check`. @default 3 */
      minExamples: z.number().int().min(1).default(3),
      /** `llm` and `cascade`: the model the gateway is asked for (a name from the gateway's model list). @default "gpt-4o-mini" */
      model: z.string().min(1).default('gpt-4o-mini'),
      /** `cascade`: below this local confidence the LLM is asked. @default the value of `threshold` */
      cascadeThreshold: unit.optional(),
      /** `llm` and `cascade`: training examples per intent shown to the model (few-shot). @default 3 */
      llmExamples: z.number().int().min(0).max(50).default(3),
    })
    .transform((nlu) => ({ ...nlu, cascadeThreshold: nlu.cascadeThreshold ?? nlu.threshold }))
    .prefault({}),
  broker: z
    .strictObject({
      /** `sqlite`: embedded, a file under `.bot/`; `nats`: NATS JetStream for a cluster. @default "sqlite" */
      kind: BrokerKindSchema.default('sqlite'),
      /** For `nats`: the server URL. */
      url: z.string().optional(),
    })
    .prefault({}),
  gateway: z
    .strictObject({
      /** The port `bot dev` serves the API on. @default 3000 */
      port: z.number().int().min(0).max(65535).default(3000),
    })
    .prefault({}),
  /** The LLM gateway (`/llm/v1`): providers, routing and fallbacks, reliability, prices, keys, budgets, cache, redaction. See docs/llm.md. */
  llm: LlmOptionsSchema.prefault({}),
  test: z
    .strictObject({
      /** `bot test` exits 1 when a figure falls below its threshold (fractions, 0 to 1). */
      thresholds: z.strictObject({ accuracy: unit.optional(), entityF1: unit.optional() }).prefault({}),
    })
    .prefault({}),
});

/** What a user writes in `bot.config.ts`. */
export type BotOptions = z.input<typeof BotConfigSchema>;
/** The configuration after defaults are applied and every check has passed. */
export type ResolvedBotConfig = z.output<typeof BotConfigSchema>;

/**
 * Declares the bot's configuration; an identity function that gives `bot.config.ts` its types.
 * Validation happens when the project is loaded, so every problem is reported with the file.
 */
export function defineBot(options: BotOptions): BotOptions {
  return options;
}
