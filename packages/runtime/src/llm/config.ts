// Resolves the `llm` config section once: providers with keys from the environment, routes, limits; then every check is done.
import type { ParsedLlmOptions } from '../define/llm-options.ts';
import { LlmError } from './errors.ts';

export type ProviderKind = 'openai' | 'openai-compatible' | 'anthropic';

export interface ResolvedProvider {
  name: string;
  kind: ProviderKind;
  /** Without a trailing slash. */
  baseUrl: string;
  /** Where the key comes from (shown in errors); the key itself is never logged. */
  apiKeyEnv?: string;
  apiKey?: string;
}

/** One place a model can be served: a provider and the provider's model name. */
export interface Target {
  provider: string;
  model: string;
}

export interface Price {
  input: number;
  output: number;
  cachedInput?: number;
  cacheWriteInput?: number;
}

export interface Budget {
  dailyUsd?: number;
  dailyTokens?: number;
}

/** The `llm` section after defaults, environment lookups and checks. Read-only. */
export interface ResolvedLlmConfig {
  readonly providers: ReadonlyMap<string, ResolvedProvider>;
  readonly models: Readonly<Record<string, readonly Target[]>>;
  readonly defaultProvider: string;
  readonly timeouts: { connectMs: number; firstTokenMs: number; totalMs: number };
  readonly retries: { attempts: number; baseDelayMs: number; maxDelayMs: number };
  readonly fallbackOn: ReadonlySet<number>;
  readonly cooldown: { failures: number; durationMs: number };
  readonly prices: Readonly<Record<string, Price>>;
  readonly keys: ReadonlyArray<{ id: string; sha256: string; budget?: Budget; admin: boolean }>;
  readonly budget?: Budget;
  readonly cache: { enabled: boolean; ttlMs: number; maxEntries: number };
  readonly redact: { enabled: boolean; patterns: ReadonlyArray<{ name: string; source: string }> };
}

/** A mistake in `llm` found at startup: the option, the bad value and the fix. */
export class LlmConfigError extends Error {
  override readonly name = 'LlmConfigError';
  readonly code = 'LLM_CONFIG_INVALID';
  readonly nonRetryable = true;
}

type Env = Record<string, string | undefined>;

/** Applies the environment to the parsed `llm` options and checks that every route names a configured provider. */
export function resolveLlmConfig(options: ParsedLlmOptions, env: Env = process.env): ResolvedLlmConfig {
  const providers = new Map<string, ResolvedProvider>();
  for (const [name, provider] of Object.entries(options.providers ?? { openai: { kind: 'openai' as const } })) {
    providers.set(name, resolveProvider(name, provider, env));
  }
  const defaultProvider = options.defaultProvider ?? providers.keys().next().value;
  if (defaultProvider === undefined || !providers.has(defaultProvider)) {
    throw new LlmConfigError(`llm.defaultProvider "${defaultProvider}" is not a key of llm.providers (${[...providers.keys()].join(', ') || 'none'})`);
  }
  const models: Record<string, Target[]> = {};
  for (const [alias, model] of Object.entries(options.models)) {
    const targets = [{ provider: model.provider, model: model.model ?? alias }, ...model.fallbacks.map(parseTarget)];
    for (const target of targets) {
      if (!providers.has(target.provider)) {
        throw new LlmConfigError(`llm.models["${alias}"] routes to provider "${target.provider}", which is not in llm.providers; add it or fix the name`);
      }
    }
    models[alias] = targets;
  }
  return Object.freeze({
    providers,
    models,
    defaultProvider,
    timeouts: { connectMs: options.timeouts.connect, firstTokenMs: options.timeouts.firstToken, totalMs: options.timeouts.total },
    retries: { attempts: options.retries.attempts, baseDelayMs: options.retries.baseDelay, maxDelayMs: options.retries.maxDelay },
    fallbackOn: new Set(options.fallbackOn),
    cooldown: { failures: options.cooldown.failures, durationMs: options.cooldown.duration },
    prices: options.prices,
    keys: options.keys,
    ...(options.budget && { budget: options.budget }),
    cache: { enabled: options.cache.enabled, ttlMs: options.cache.ttl, maxEntries: options.cache.maxEntries },
    redact: { enabled: options.redact.enabled, patterns: options.redact.patterns.map((p) => ({ name: p.name, source: p.pattern })) },
  });
}

function resolveProvider(name: string, options: { kind: ProviderKind; baseUrl?: string; apiKeyEnv?: string }, env: Env): ResolvedProvider {
  const defaults: Record<ProviderKind, { baseUrl?: string; apiKeyEnv?: string }> = {
    openai: { baseUrl: env.OPENAI_BASE_URL || 'https://api.openai.com/v1', apiKeyEnv: 'OPENAI_API_KEY' },
    anthropic: { baseUrl: env.ANTHROPIC_BASE_URL || 'https://api.anthropic.com', apiKeyEnv: 'ANTHROPIC_API_KEY' },
    'openai-compatible': {},
  };
  const baseUrl = options.baseUrl ?? defaults[options.kind].baseUrl;
  if (!baseUrl) throw new LlmConfigError(`llm.providers.${name}: an openai-compatible provider needs a baseUrl, e.g. "http://127.0.0.1:11434/v1"`);
  const apiKeyEnv = options.apiKeyEnv ?? defaults[options.kind].apiKeyEnv;
  const apiKey = apiKeyEnv ? env[apiKeyEnv] : undefined;
  return { name, kind: options.kind, baseUrl: baseUrl.replace(/\/+$/, ''), ...(apiKeyEnv && { apiKeyEnv }), ...(apiKey && { apiKey }) };
}

function parseTarget(text: string): Target {
  const slash = text.indexOf('/');
  return { provider: text.slice(0, slash), model: text.slice(slash + 1) };
}

/** The targets for a model name, in the order they are tried. */
export function routeModel(config: ResolvedLlmConfig, model: string): readonly Target[] {
  const configured = config.models[model];
  if (configured) return configured;
  const slash = model.indexOf('/');
  if (slash > 0 && config.providers.has(model.slice(0, slash))) return [parseTarget(model)];
  if (model.startsWith('claude')) {
    const anthropic = [...config.providers.values()].find((p) => p.kind === 'anthropic');
    if (anthropic) return [{ provider: anthropic.name, model }];
  }
  if (!config.providers.has(config.defaultProvider)) throw new LlmError('LLM_MODEL_NOT_FOUND', `no provider serves model "${model}"`);
  return [{ provider: config.defaultProvider, model }];
}
