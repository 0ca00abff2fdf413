// The executor's error catalogue: every failure it reports in an ActionResult or throws to the broker, by code.
import type { ErrorData } from '../../contracts/error-data.ts';

/**
 * - `ACTION_FAILED`: the action threw, or returned something that is not a reply.
 * - `ACTION_TIMEOUT`: an attempt ran past the action's timeout (its `ctx.signal` was aborted).
 * - `ACTION_UNAVAILABLE`: the action's circuit is open after repeated failures; it was not run.
 * - `ENTITIES_INVALID`: the entities do not match the intent's schema in the executor's project.
 * - `ACTION_IN_PROGRESS`: another consumer is running the action for this input; the broker retries later.
 * - `EXECUTOR_CLOSING`: the service stopped mid-action; the message is redelivered.
 */
export type ExecutorErrorCode = 'ACTION_FAILED' | 'ACTION_TIMEOUT' | 'ACTION_UNAVAILABLE' | 'ENTITIES_INVALID' | 'ACTION_IN_PROGRESS' | 'EXECUTOR_CLOSING';

/** An executor failure, thrown to the broker or carried as data in a failed ActionResult. */
export class ExecutorError extends Error {
  override readonly name = 'ExecutorError';
  constructor(
    readonly code: ExecutorErrorCode,
    message: string,
    readonly nonRetryable = false,
    readonly details?: unknown,
  ) {
    super(message);
  }

  toData(): ErrorData {
    return { code: this.code, message: this.message, nonRetryable: this.nonRetryable, ...(this.details === undefined ? {} : { details: this.details }) };
  }
}
