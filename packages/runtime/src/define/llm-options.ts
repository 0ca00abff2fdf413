// The `llm` section of bot.config.ts: providers, model routing, reliability, prices, keys, budgets, cache and redaction.
import { z } from 'zod';
import { DurationSchema } from './duration.ts';

const ProviderNameSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lowercase letters, digits, "-" and "_"');
const EnvNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name, e.g. OPENAI_API_KEY');
const usd = z.number().nonnegative();
const tokens = z.number().int().nonnegative();

/** A provider: where requests go and which environment variable holds its key. Keys never appear in config. */
export const LlmProviderSchema = z.strictObject({
  /** `openai`: api.openai.com; `openai-compatible`: any server speaking the chat completions API (Ollama, vLLM, LM Studio); `anthropic`: the Messages API. */
  kind: z.enum(['openai', 'openai-compatible', 'anthropic']),
  /** The API base URL, e.g. `http://127.0.0.1:11434/v1` for Ollama. @default OPENAI_BASE_URL or https://api.openai.com/v1 (openai), https://api.anthropic.com (anthropic) */
  baseUrl: z.url().optional(),
  /** The environment variable that holds the API key. @default "OPENAI_API_KEY" (openai), "ANTHROPIC_API_KEY" (anthropic), none (openai-compatible) */
  apiKeyEnv: EnvNameSchema.optional(),
});

/** A target: `"<provider>/<model>"`, e.g. `"anthropic/claude-3-5-haiku-latest"`. */
const TargetSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]*\/.+$/, 'write a target as "<provider>/<model>", e.g. "openai/gpt-4o-mini"');

/** A model name clients may ask for, the provider that serves it and where to go when it fails. */
export const LlmModelSchema = z.strictObject({
  /** The provider (a key of `llm.providers`). */
  provider: ProviderNameSchema,
  /** The provider's name for the model. @default the model's key */
  model: z.string().min(1).optional(),
  /** Tried in order when this target fails with a `fallbackOn` status, a timeout or a network error: `"<provider>/<model>"`. @default [] */
  fallbacks: z.array(TargetSchema).default([]),
});

/** Price of a model in USD per 1M tokens. */
export const LlmPriceSchema = z.strictObject({
  input: usd,
  output: usd,
  /** Input tokens read from the provider's prompt cache. @default the input price */
  cachedInput: usd.optional(),
  /** Input tokens written to the provider's prompt cache (Anthropic bills them above the input price). @default the input price */
  cacheWriteInput: usd.optional(),
});

/** A spending limit per UTC day; either or both. */
export const LlmBudgetSchema = z.strictObject({
  /** USD a day. */
  dailyUsd: usd.optional(),
  /** Input plus output tokens a day. */
  dailyTokens: tokens.optional(),
});

/** The schema of `llm` in bot.config.ts. */
export const LlmOptionsSchema = z.strictObject({
  /** Providers by name. @default { openai: { kind: "openai" } } (honours OPENAI_API_KEY and OPENAI_BASE_URL like the openai SDK) */
  providers: z.record(ProviderNameSchema, LlmProviderSchema).optional(),
  /** Model names clients may ask for. Other names route as `"<provider>/<model>"`, `claude-*` to the first anthropic provider, anything else to `defaultProvider`. @default {} */
  models: z.record(z.string().min(1), LlmModelSchema).default({}),
  /** The provider for model names that nothing else routes. @default the first provider */
  defaultProvider: ProviderNameSchema.optional(),
  timeouts: z
    .strictObject({
      /** Until the provider answers with headers (ms or "10s"). @default "10s" */
      connect: DurationSchema.default(10_000),
      /** Until the first token (streams) or the whole body (non-streaming) arrives after the headers. @default "60s" */
      firstToken: DurationSchema.default(60_000),
      /** The whole call, streaming included. @default "10m" */
      total: DurationSchema.default(600_000),
    })
    .prefault({}),
  retries: z
    .strictObject({
      /** Retries per target before falling back (only before the first byte went to the client). @default 2 */
      attempts: z.number().int().min(0).max(10).default(2),
      /** The first backoff; it doubles per retry, with full jitter. A Retry-After header wins. @default "250ms" */
      baseDelay: DurationSchema.default(250),
      /** The longest wait for a retry; a longer Retry-After falls back (or fails) at once. @default "10s" */
      maxDelay: DurationSchema.default(10_000),
    })
    .prefault({}),
  /** Upstream statuses that move on to the next target (timeouts, network errors and malformed answers always do). @default [429, 500, 502, 503, 504, 529] */
  fallbackOn: z.array(z.number().int().min(400).max(599)).default([429, 500, 502, 503, 504, 529]),
  cooldown: z
    .strictObject({
      /** Consecutive failed calls that take a target out of rotation. @default 3 */
      failures: z.number().int().min(1).default(3),
      /** How long it stays out. @default "30s" */
      duration: DurationSchema.default(30_000),
    })
    .prefault({}),
  /** Prices in USD per 1M tokens by model name, over the shipped price table. @default {} */
  prices: z.record(z.string().min(1), LlmPriceSchema).default({}),
  /** API keys for `/llm/v1`, stored as the sha256 hex of the key. None: local dev mode, every caller is the key `local`. @default [] */
  keys: z
    .array(
      z.strictObject({
        /** Shown in the ledger and `bot usage`. */
        id: z.string().min(1).max(100),
        /** `echo -n "$KEY" | sha256sum`. */
        sha256: z.string().regex(/^[0-9a-f]{64}$/, 'the sha256 of the key as 64 lowercase hex digits'),
        /** This key's daily limit. */
        budget: LlmBudgetSchema.optional(),
        /** May read every key's usage (`GET /v1/usage`); any other key reads only its own. @default false */
        admin: z.boolean().default(false),
      }),
    )
    .default([]),
  /** A daily limit over every key together. */
  budget: LlmBudgetSchema.optional(),
  cache: z
    .strictObject({
      /** Answer repeated identical requests from memory, without an upstream call. @default false */
      enabled: z.boolean().default(false),
      /** How long an answer is reused. @default "1h" */
      ttl: DurationSchema.default(3_600_000),
      /** Most answers kept; the least recently used go first. @default 1000 */
      maxEntries: z.number().int().min(1).default(1000),
    })
    .prefault({}),
  redact: z
    .strictObject({
      /** Replace emails, phone numbers and card numbers (Luhn-checked) in prompts before they leave the machine. @default false */
      enabled: z.boolean().default(false),
      /** More patterns to redact: a regular expression source and the label it becomes (`[REDACTED_<LABEL>]`). @default [] */
      patterns: z
        .array(z.strictObject({ name: z.string().regex(/^[A-Za-z0-9_]+$/), pattern: z.string().min(1).refine(isRegExp, 'not a valid regular expression') }))
        .default([]),
    })
    .prefault({}),
});

function isRegExp(source: string): boolean {
  try {
    new RegExp(source, 'gu');
    return true;
  } catch {
    return false;
  }
}

/** What users write under `llm`. */
export type LlmOptions = z.input<typeof LlmOptionsSchema>;
/** `llm` after defaults. */
export type ParsedLlmOptions = z.output<typeof LlmOptionsSchema>;
