// createActionRunner: runs one action under its timeout, retries with exponential backoff and a circuit breaker.
import {
  type CircuitBreakerPolicy,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleAll,
  handleWhen,
  retry,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import { z } from 'zod';
import type { ErrorData } from '../../contracts/error-data.ts';
import { toErrorData } from '../../contracts/error-data.ts';
import type { Action, ActionContext } from '../../define/action.ts';
import { projectLocation } from '../../project/stack-frames.ts';
import { ExecutorError } from './action-errors.ts';

/** How actions are retried and when their circuit opens; the defaults suit most bots. */
export interface ActionPolicyOptions {
  /** Delay before the first retry, doubling (with jitter) up to `retryMaxMs`. @default 200 */
  retryInitialMs?: number;
  /** @default 5000 */
  retryMaxMs?: number;
  /** Consecutive failed attempts that open an action's circuit. @default 5 */
  breakerThreshold?: number;
  /** How long an open circuit fails fast before letting one attempt through. @default 10_000 */
  breakerHalfOpenAfterMs?: number;
}

/** What running an action came to. `unavailable`: the circuit was open and the action did not run. */
export type RunOutcome =
  | { ok: true; reply: string; data?: Record<string, unknown>; attempts: number }
  | { ok: false; error: ErrorData; attempts: number; unavailable: boolean; at?: string };

export interface ActionRunner {
  run(entities: Record<string, unknown>, context: Omit<ActionContext, 'attempt' | 'signal'>, signal: AbortSignal): Promise<RunOutcome>;
}

const ReplySchema = z.union([z.string(), z.object({ text: z.string(), data: z.record(z.string(), z.unknown()).optional() })]);

/** `root`: the project's folder, to locate a throwing action's line in its TypeScript. */
export function createActionRunner(action: Action<Record<string, unknown>>, options: ActionPolicyOptions = {}, root?: string): ActionRunner {
  const retryMaxMs = options.retryMaxMs ?? 5_000;
  const breaker: CircuitBreakerPolicy = circuitBreaker(handleAll, {
    halfOpenAfter: options.breakerHalfOpenAfterMs ?? 10_000,
    breaker: new ConsecutiveBreaker(options.breakerThreshold ?? 5),
  });
  // Outermost retry, so every attempt counts towards the breaker; an open circuit or a non-retryable error ends it.
  const policy = wrap(
    retry(
      handleWhen((error) => !isBrokenCircuit(error) && (error as { nonRetryable?: unknown }).nonRetryable !== true),
      { maxAttempts: action.retries, backoff: new ExponentialBackoff({ initialDelay: options.retryInitialMs ?? 200, maxDelay: retryMaxMs }) },
    ),
    breaker,
    // Aggressive: an action that ignores its signal is still abandoned when its time is up. The signal is not
    // aborted when the action returns (cockatiel's default): that built an AbortError, stack and all, per message.
    timeout(action.timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false }),
  );
  return {
    async run(entities, context, signal) {
      let attempts = 0;
      try {
        const reply = await policy.execute(async ({ signal: attemptSignal }) => {
          attempts++;
          let returned: unknown;
          try {
            returned = await action.run(entities, { ...context, attempt: attempts, signal: attemptSignal });
          } catch (error) {
            throw asError(error);
          }
          return checkReply(returned);
        }, signal);
        return { ok: true, attempts, ...reply };
      } catch (error) {
        // Where the action threw, as `actions/x.ts:12:5`: for the log and the span, not in the published error.
        const at = root === undefined ? undefined : projectLocation(error, root);
        return { ok: false, attempts: Math.max(1, attempts), unavailable: isBrokenCircuit(error), error: describeFailure(error, action), ...(at && { at }) };
      }
    },
  };
}

function checkReply(value: unknown): { reply: string; data?: Record<string, unknown> } {
  const parsed = ReplySchema.safeParse(value);
  if (!parsed.success) throw new ExecutorError('ACTION_FAILED', `the action returned ${describe(value)}, not a string or {text, data?}`, true);
  if (typeof parsed.data === 'string') return { reply: parsed.data };
  if (parsed.data.data === undefined) return { reply: parsed.data.text };
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(JSON.stringify(parsed.data.data));
  } catch (error) {
    throw new ExecutorError('ACTION_FAILED', `the action's reply data is not JSON-serialisable: ${asError(error).message}`, true);
  }
  return { reply: parsed.data.text, data };
}

function describeFailure(error: unknown, action: Action<Record<string, unknown>>): ErrorData {
  if (isBrokenCircuit(error)) return new ExecutorError('ACTION_UNAVAILABLE', `the circuit of "${action.intent}" is open after repeated failures`).toData();
  if (typeof error === 'object' && error !== null && 'isTaskCancelledError' in error) {
    return new ExecutorError('ACTION_TIMEOUT', `"${action.intent}" did not finish within ${action.timeoutMs} ms`).toData();
  }
  const data = toErrorData(error);
  if (data.code === 'ACTION_FAILED') return data;
  return { code: 'ACTION_FAILED', message: data.message, nonRetryable: data.nonRetryable, details: { cause: data.code } };
}

// cockatiel's own guard for the cancelled case checks the wrong property, so both are checked by marker here.
function isBrokenCircuit(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'isBrokenCircuitError' in error;
}

function asError(thrown: unknown): Error {
  if (typeof thrown === 'object' && thrown !== null && typeof (thrown as { message?: unknown }).message === 'string') return thrown as Error;
  return Object.assign(new Error(typeof thrown === 'string' ? thrown : `non-error thrown: ${describe(thrown)}`), { code: 'ACTION_FAILED' });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object without a string "text"' : typeof value;
}
