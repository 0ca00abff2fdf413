// The LLM gateway core: one object holding the resolved config, providers, cool-downs, cache, budgets and ledger.
import type { Logger } from 'pino';
import type { Store } from '../store/types.ts';
import { authenticate, type Caller } from './api-keys.ts';
import { type Budgets, createBudgets } from './budgets.ts';
import type { ResolvedLlmConfig, ResolvedProvider } from './config.ts';
import { type Cooldown, createCooldown } from './cooldown.ts';
import { LlmError } from './errors.ts';
import { createLedger, type Ledger, type SpanSink } from './ledger.ts';
import { PRICE_TABLE } from './price-table.ts';
import { createAnthropicProvider } from './providers/anthropic.ts';
import { createOpenAiCompatibleProvider } from './providers/openai-compatible.ts';
import type { Provider } from './providers/types.ts';
import { createRedactor, type Redactor } from './redact.ts';
import { createResponseCache, type ResponseCache } from './response-cache.ts';

export interface LlmGatewayOptions {
  config: ResolvedLlmConfig;
  store: Store;
  spans: SpanSink;
  logger: Logger;
}

/** Everything a chat call needs, built once per gateway process. */
export interface LlmGateway {
  readonly config: ResolvedLlmConfig;
  readonly logger: Logger;
  readonly cooldown: Cooldown;
  readonly budgets: Budgets;
  readonly ledger: Ledger;
  readonly cache: ResponseCache | undefined;
  readonly redactor: Redactor | undefined;
  authenticate(authorization: string | undefined): Caller;
  provider(name: string): Provider | LlmError;
  /** `GET /models`: configured model names, then the price table's models of the configured provider kinds. */
  listModels(): Array<{ id: string; object: 'model'; created: number; owned_by: string }>;
  /** Closes the providers' upstream connections. */
  close(): Promise<void>;
}

const OFFICIAL_HOSTS = ['api.openai.com', 'api.anthropic.com'];

export function createLlmGateway(options: LlmGatewayOptions): LlmGateway {
  const { config, store, spans, logger } = options;
  const providers = new Map<string, Provider | LlmError>();
  const makeProvider = (provider: ResolvedProvider): Provider | LlmError => {
    // A local server (Ollama, a proxy in OPENAI_BASE_URL) needs no key; the official APIs always do.
    if (!provider.apiKey && OFFICIAL_HOSTS.includes(new URL(provider.baseUrl).host)) {
      return new LlmError(
        'LLM_PROVIDER_NOT_CONFIGURED',
        `provider "${provider.name}" has no API key: set ${provider.apiKeyEnv ?? 'its apiKeyEnv variable'} in the environment of the gateway`,
      );
    }
    const connectMs = config.timeouts.connectMs;
    return provider.kind === 'anthropic' ? createAnthropicProvider(provider, connectMs) : createOpenAiCompatibleProvider(provider, connectMs);
  };
  return {
    config,
    logger,
    cooldown: createCooldown(config.cooldown),
    budgets: createBudgets(store, config.budget),
    ledger: createLedger(store, spans, logger),
    cache: config.cache.enabled ? createResponseCache(config.cache) : undefined,
    redactor: config.redact.enabled ? createRedactor(config.redact.patterns) : undefined,
    authenticate: (authorization) => authenticate(config, authorization),
    provider(name) {
      let provider = providers.get(name);
      if (!provider) {
        const resolved = config.providers.get(name);
        provider = resolved ? makeProvider(resolved) : new LlmError('LLM_MODEL_NOT_FOUND', `no provider "${name}" in llm.providers`);
        providers.set(name, provider);
      }
      return provider;
    },
    listModels() {
      const kinds = new Map([...config.providers.values()].map((p) => [p.kind === 'anthropic' ? 'claude' : 'gpt', p.name]));
      const configured = Object.entries(config.models).map(([id, targets]) => ({ id, owner: targets[0]?.provider ?? 'gateway' }));
      const priced = Object.keys(PRICE_TABLE.models)
        .filter((id) => !config.models[id])
        .map((id) => ({ id, owner: kinds.get(id.startsWith('claude') ? 'claude' : 'gpt') }))
        .filter((m): m is { id: string; owner: string } => m.owner !== undefined);
      return [...configured, ...priced].map(({ id, owner }) => ({ id, object: 'model' as const, created: 0, owned_by: owner }));
    },
    async close() {
      const open = [...providers.values()].filter((p): p is Provider => !(p instanceof LlmError));
      providers.clear();
      await Promise.allSettled(open.map((p) => p.close()));
    },
  };
}
