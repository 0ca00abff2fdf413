// Tries a model's targets in order: timeouts per attempt, retries with backoff before the first byte, fallback, cool-down.
import type { ResolvedLlmConfig, Target } from './config.ts';
import type { Cooldown } from './cooldown.ts';
import { LlmError, UpstreamError } from './errors.ts';
import type { Provider } from './providers/types.ts';
import type { ChatChunk, ChatCompletion, ChatRequest } from './wire.ts';

/** A call that reached a provider: the whole answer, or a stream whose first chunk has arrived (nothing sent to the client yet). */
export type OpenedCall = { target: Target; attempts: number } & (
  | { kind: 'complete'; completion: ChatCompletion }
  | { kind: 'stream'; first: IteratorResult<ChatChunk>; rest: AsyncIterator<ChatChunk> }
);

export interface RouterDeps {
  config: ResolvedLlmConfig;
  cooldown: Cooldown;
  /** The provider adapter by name, or an LlmError when it cannot be used (e.g. its key is not set). */
  provider(name: string): Provider | LlmError;
}

const RETRYABLE = new Set([408, 409, 429, 500, 502, 503, 504, 529]);

/** Opens a call on the first target that answers. Rejects with an LlmError; or with `signal.reason` once `signal` aborts. */
export async function openCall(
  deps: RouterDeps,
  alias: string,
  targets: readonly Target[],
  request: ChatRequest,
  options: { stream: boolean; signal: AbortSignal },
): Promise<OpenedCall> {
  const { config, cooldown } = deps;
  const live = targets.filter((t) => cooldown.coolingUntil(keyOf(t)) === undefined);
  if (live.length === 0) {
    const until = Math.min(...targets.map((t) => cooldown.coolingUntil(keyOf(t)) ?? Date.now()));
    const retryAfterS = Math.max(1, Math.ceil((until - Date.now()) / 1000));
    throw new LlmError(
      'LLM_TARGETS_COOLING_DOWN',
      `every target of "${alias}" (${targets.map(keyOf).join(', ')}) failed repeatedly; try again in ${retryAfterS} s`,
      {
        retryAfterS,
      },
    );
  }
  let attempts = 0;
  let last: LlmError | undefined;
  for (const [index, target] of live.entries()) {
    const provider = deps.provider(target.provider);
    if (provider instanceof LlmError) {
      last = provider;
      continue;
    }
    const isLast = index === live.length - 1;
    for (let retry = 0; ; retry++) {
      attempts++;
      try {
        const opened = await attempt(provider, { ...request, model: target.model }, options, config.timeouts, keyOf(target));
        cooldown.succeeded(keyOf(target));
        return { ...opened, target, attempts };
      } catch (error) {
        if (options.signal.aborted) throw options.signal.reason;
        if (!(error instanceof UpstreamError)) throw error;
        const next = decide(error, retry, isLast, config);
        if (next.action === 'retry') {
          await sleep(next.delayMs, options.signal);
          continue;
        }
        if (error.kind !== 'status' || RETRYABLE.has(error.status ?? 0)) cooldown.failed(keyOf(target));
        last = toClientError(error, target, attempts);
        if (next.action === 'fail') throw last;
        break;
      }
    }
  }
  throw last ?? new LlmError('LLM_MODEL_NOT_FOUND', `no target serves "${alias}"`);
}

function keyOf(target: Target): string {
  return `${target.provider}/${target.model}`;
}

type Decision = { action: 'retry'; delayMs: number } | { action: 'fallback' } | { action: 'fail' };

function decide(error: UpstreamError, retry: number, isLast: boolean, config: ResolvedLlmConfig): Decision {
  const { attempts, baseDelayMs, maxDelayMs } = config.retries;
  const backoff = (): Decision => ({ action: 'retry', delayMs: Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** retry) });
  switch (error.kind) {
    case 'status': {
      const status = error.status ?? 500;
      const waitFits = error.retryAfterMs === undefined || error.retryAfterMs <= maxDelayMs;
      if (RETRYABLE.has(status) && retry < attempts && waitFits) {
        return error.retryAfterMs === undefined ? backoff() : { action: 'retry', delayMs: error.retryAfterMs };
      }
      return config.fallbackOn.has(status) ? { action: 'fallback' } : { action: 'fail' };
    }
    case 'network':
      return retry < attempts ? backoff() : { action: 'fallback' };
    default:
      // A hung or garbled target rarely recovers within a call: move on at once, retry only when it is the last one.
      return !isLast || retry >= attempts ? { action: 'fallback' } : backoff();
  }
}

function toClientError(error: UpstreamError, target: Target, attempts: number): LlmError {
  const where = `${keyOf(target)} (after ${attempts} attempt${attempts === 1 ? '' : 's'})`;
  if (error.kind === 'timeout') return new LlmError('LLM_UPSTREAM_TIMEOUT', `${where}: ${error.message}`);
  if (error.kind === 'malformed') return new LlmError('LLM_UPSTREAM_MALFORMED', `${where}: ${error.message}`);
  if (error.kind === 'network') return new LlmError('LLM_UPSTREAM_UNREACHABLE', `${where}: ${error.message}`);
  const status = error.status ?? 500;
  if (status === 429) {
    return new LlmError('LLM_RATE_LIMITED', `${where}: rate limited by the provider: ${error.message}`, {
      ...(error.retryAfterMs !== undefined && { retryAfterS: Math.ceil(error.retryAfterMs / 1000) }),
    });
  }
  if (status === 401 || status === 403) {
    return new LlmError(
      'LLM_PROVIDER_AUTH_FAILED',
      `${where}: the provider rejected the gateway's API key; check the provider's key variable: ${error.message}`,
    );
  }
  if (status < 500) return new LlmError('LLM_UPSTREAM_REJECTED', `${where}: ${error.message}`, { status });
  return new LlmError('LLM_UPSTREAM_ERROR', `${where}: ${error.message}`);
}

async function attempt(
  provider: Provider,
  request: ChatRequest,
  options: { stream: boolean; signal: AbortSignal },
  timeouts: ResolvedLlmConfig['timeouts'],
  name: string,
): Promise<{ kind: 'complete'; completion: ChatCompletion } | { kind: 'stream'; first: IteratorResult<ChatChunk>; rest: AsyncIterator<ChatChunk> }> {
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(options.signal.reason);
  options.signal.addEventListener('abort', onParentAbort, { once: true });
  let timedOut: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  const arm = (ms: number, what: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = `no ${what} from ${name} within ${ms} ms`;
      controller.abort(new UpstreamError('timeout', timedOut));
    }, ms);
  };
  // A stream's headers come at once, so waiting for them is bounded by `connect`; a non-streamed answer's headers
  // come with the whole answer (OpenAI, vLLM, Ollama), so that wait is the answer's, bounded by `firstToken`.
  arm(options.stream ? timeouts.connectMs : timeouts.firstTokenMs, options.stream ? 'answer' : 'complete answer');
  const callOptions = { signal: controller.signal, onHeaders: () => arm(timeouts.firstTokenMs, options.stream ? 'first token' : 'complete answer') };
  let streaming = false;
  try {
    if (!options.stream) return { kind: 'complete', completion: await provider.complete(request, callOptions) };
    const rest = await provider.stream(request, callOptions);
    const first = await rest.next();
    streaming = true;
    return { kind: 'stream', first, rest };
  } catch (error) {
    if (timedOut) throw new UpstreamError('timeout', timedOut);
    throw error;
  } finally {
    clearTimeout(timer);
    // An open stream stays tied to the call's signal, so a client that leaves or the total timeout stops it upstream too.
    if (!streaming) options.signal.removeEventListener('abort', onParentAbort);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
