// handleIntent: one IntentRecognized from `intents` -> its action run once (idempotency ledger) -> an ActionResult on `results`.
import type { Logger } from 'pino';
import type { Delivery } from '../../broker/types.ts';
import { type ActionResult, ActionResultSchema } from '../../contracts/action-result.ts';
import { decode, encode } from '../../contracts/codec.ts';
import { CONTRACT_VERSION } from '../../contracts/envelope.ts';
import { toErrorData } from '../../contracts/error-data.ts';
import { newSpanId } from '../../contracts/ids.ts';
import { type IntentRecognized, IntentRecognizedSchema } from '../../contracts/intent-recognized.ts';
import { type Span, spanTime } from '../../contracts/span.ts';
import type { MessageUpdate, StateWrite, Store } from '../../store/types.ts';
import { keepingLease } from '../lease-heartbeat.ts';
import { TOPICS } from '../topics.ts';
import { ExecutorError } from './action-errors.ts';
import type { ActionRegistry } from './action-registry.ts';
import type { RunOutcome } from './action-runner.ts';
import { checkEntities } from './check-entities.ts';
import { failureReply, noActionReply, unavailableReply } from './executor-replies.ts';

/** How long a claim may go without its heartbeat before another delivery presumes its claimer dead: two leases. */
export function claimStaleMs(leaseMs: number): number {
  return 2 * leaseMs;
}

export interface IntentHandlerDeps {
  store: Store;
  logger: Logger;
  /** The registry in service right now (it changes on reload). */
  registry: () => ActionRegistry;
  /** The consumer's lease; an action running longer renews it, and its idempotency claim, every half lease. */
  leaseMs: number;
  /** Ledger keys whose actions this executor is running now, each with the run's end (shared by its handlers). */
  running: Map<string, Promise<void>>;
}

/**
 * Runs the action for one intent. The ledger key `action:<inputId>` makes the side effect happen once: a duplicate
 * of a finished message republishes its stored result; one still running elsewhere is retried later.
 */
export async function handleIntent(delivery: Delivery, deps: IntentHandlerDeps): Promise<void> {
  const decoded = decode(IntentRecognizedSchema, delivery.payload);
  if (!decoded.ok) throw decoded.error;
  const message = decoded.value;
  const key = `action:${message.inputId}`;
  // This process runs it already: the first delivery's lease ran out during a pause (a debugger, a blocked loop), so
  // its ack, and the result it publishes, will not commit. The claim may look stale too, but the action is alive,
  // here: this delivery waits for it, then answers from the ledger (or runs it, if that run failed and let go).
  const mine = deps.running.get(key);
  if (mine) {
    await keepingLease(delivery, deps.leaseMs, untilAborted(mine, delivery.signal));
    // A shutdown that cut the first run short (it let its claim go) must not start the action again here.
    if (delivery.signal.aborted) throw new ExecutorError('EXECUTOR_CLOSING', 'the executor stopped while the action ran');
  }
  const registry = deps.registry();
  const startMs = spanTime();
  // Claim and `executing` are queued in one tick, so the store commits them together. For a duplicate the
  // status stays right too: another consumer is executing, or a final status, which `executing` never replaces.
  const [claimed, marked] = await Promise.allSettled([
    // The lease heartbeat renews the claim with the lease; a claimer that stops beating (killed) leaves a claim
    // that goes stale a lease after its message comes back, while one that is only paused (a debugger, a blocked
    // loop, SIGSTOP) keeps it for up to two leases.
    deps.store.claim(key, { staleAfterMs: claimStaleMs(deps.leaseMs) }),
    deps.store.putMessage({ ...identity(message), status: 'executing', intent: message.intent }),
  ]);
  if (claimed.status === 'rejected') throw claimed.reason;
  const claim = claimed.value;
  if (marked.status === 'rejected') {
    if (claim.status === 'first') await deps.store.release(key, claim.token).catch(() => {});
    throw marked.reason;
  }
  if (claim.status === 'duplicate') {
    if (claim.state === 'in-progress') {
      // Retried when the claim would go stale if its claimer stopped beating now, not on the generic backoff.
      throw inProgress(message, 'is running in another consumer', Math.max(100, claim.claimedAt + claimStaleMs(deps.leaseMs) - Date.now() + 50));
    }
    const stored = decode(ActionResultSchema, claim.result);
    if (!stored.ok) throw stored.error;
    await deps.store.putMessage(finalStatus(message, stored.value));
    delivery.publishOnAck(TOPICS.results, { payload: stored.value, orderingKey: message.conversationId });
    return;
  }

  const run = runAndRecord(delivery, deps, message, { key, token: claim.token }, registry, startMs);
  const ended = run.then(
    () => {},
    () => {},
  );
  deps.running.set(key, ended);
  try {
    await run;
  } finally {
    if (deps.running.get(key) === ended) deps.running.delete(key);
  }
}

/** Runs the claimed action and records its result (ledger, final status, span), then publishes it with the ack. */
async function runAndRecord(
  delivery: Delivery,
  deps: IntentHandlerDeps,
  message: IntentRecognized,
  { key, token }: { key: string; token: string },
  registry: ActionRegistry,
  startMs: number,
): Promise<void> {
  let outcome: RunOutcome;
  let lost = false;
  const renewClaim = async () => {
    if (lost || (await deps.store.renewClaim(key, token))) return;
    // The heartbeat did not reach the store for two leases (a debugger, a stopped process) and another consumer
    // took the claim over: this action and that one may both have their effect. Said once, where it can be seen;
    // an action that blocks the event loop until it ends gives the heartbeat no turn, and goes unreported.
    lost = true;
    deps.logger.warn(
      { inputId: message.inputId, traceId: message.traceId },
      `the idempotency claim on action ${message.intent} is no longer this executor's: another consumer took it over (after ${claimStaleMs(deps.leaseMs)} ms without a heartbeat) or completed it, so its effect may happen twice`,
    );
  };
  try {
    outcome = await keepingLease(delivery, deps.leaseMs, execute(message, registry, delivery.signal), renewClaim);
    // Stopped mid-action by a shutdown: not the action's fault; the message goes back to the queue.
    if (delivery.signal.aborted) throw new ExecutorError('EXECUTOR_CLOSING', 'the executor stopped while the action ran');
  } catch (error) {
    await deps.store.release(key, token).catch(() => {});
    throw error;
  }
  const result = toResult(message, outcome);
  // Recorded before the result is published: a crash after this point republishes, never reruns. The ledger
  // entry, final status and span are one atomic write, committed at once (the action's
  // effect has happened): waiting for the end of the turn widened the window a kill -9 could fall into
  // (reliability test). If it fails, the claim is not released: the action has run, so a redelivery waits for
  // the claim to go stale instead of running it again at once.
  const writes: StateWrite[] = [
    { kind: 'message', update: finalStatus(message, result) },
    { kind: 'spans', spans: [actionSpan(message, result, startMs, outcome.ok ? undefined : outcome.at)] },
  ];
  await deps.store.complete(key, result, { immediate: true, writes });
  // Goes out with the intent's ack, in one commit.
  delivery.publishOnAck(TOPICS.results, { payload: result, orderingKey: message.conversationId });
  if (result.status === 'failed') {
    const at = outcome.ok ? undefined : outcome.at;
    deps.logger.warn({ inputId: message.inputId, traceId: message.traceId, error: result.error }, `action ${message.intent} failed${at ? ` at ${at}` : ''}`);
  }
}

/** Resolves when `work` settles or `signal` aborts, whichever is first. */
function untilAborted(work: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    void work.then(done);
  });
}

/** ACTION_IN_PROGRESS: the broker defers the message to `deferMs` from now, without using up an attempt. */
function inProgress(message: IntentRecognized, where: string, deferMs: number): ExecutorError {
  return Object.assign(new ExecutorError('ACTION_IN_PROGRESS', `the action for input ${message.inputId} ${where}`), { deferMs });
}

function actionSpan(message: IntentRecognized, result: ActionResult, startMs: number, at: string | undefined): Span {
  const outcome = result.status === 'ok' ? 'ok' : result.error.code === 'ACTION_UNAVAILABLE' ? 'unavailable' : 'failed';
  return {
    v: CONTRACT_VERSION,
    traceId: message.traceId,
    conversationId: message.conversationId,
    tenant: message.tenant,
    type: 'span',
    spanId: newSpanId(),
    service: 'executor',
    name: `action ${message.intent}`,
    startMs,
    endMs: Math.max(startMs, spanTime()),
    attributes: {
      intent: message.intent,
      attempts: result.attempts,
      outcome,
      ...(result.status === 'failed' ? { 'error.code': result.error.code, 'error.message': result.error.message.slice(0, 10_000) } : {}),
      ...(at && { 'error.at': at }),
    },
  };
}

async function execute(message: IntentRecognized, registry: ActionRegistry, signal: AbortSignal): Promise<RunOutcome> {
  const runner = registry.runner(message.intent);
  if (!runner) return { ok: true, reply: noActionReply(message), attempts: 1 };
  let entities: Record<string, unknown>;
  try {
    entities = checkEntities(registry.schema(message.intent), message.entities);
  } catch (error) {
    return { ok: false, error: toErrorData(error), attempts: 1, unavailable: false };
  }
  const context = {
    user: message.user,
    text: message.text,
    conversationId: message.conversationId,
    traceId: message.traceId,
    tenant: message.tenant,
    idempotencyKey: message.idempotencyKey,
  };
  return runner.run(entities, context, signal);
}

function toResult(message: IntentRecognized, outcome: RunOutcome): ActionResult {
  const base = {
    v: CONTRACT_VERSION as typeof CONTRACT_VERSION,
    traceId: message.traceId,
    conversationId: message.conversationId,
    tenant: message.tenant,
    type: 'action.result' as const,
    inputId: message.inputId,
    intent: message.intent,
    attempts: outcome.attempts,
  };
  const encoded = outcome.ok
    ? encode(ActionResultSchema, { ...base, status: 'ok', reply: outcome.reply, ...(outcome.data ? { data: outcome.data } : {}) })
    : encode(ActionResultSchema, {
        ...base,
        status: 'failed',
        reply: outcome.unavailable ? unavailableReply(message.intent) : failureReply(message.intent),
        error: outcome.error,
      });
  if (encoded.ok) return encoded.value;
  // A reply too long for the contract is the action's failure, not the message's.
  const error = new ExecutorError('ACTION_FAILED', `the action's reply does not fit the ActionResult contract: ${encoded.error.message}`, true).toData();
  const fallback = encode(ActionResultSchema, { ...base, status: 'failed', reply: failureReply(message.intent), error });
  if (!fallback.ok) throw fallback.error;
  return fallback.value;
}

function finalStatus(message: IntentRecognized, result: ActionResult): MessageUpdate {
  return {
    ...identity(message),
    status: result.status === 'ok' ? 'completed' : 'failed',
    intent: message.intent,
    reply: result.reply,
    ...(result.data ? { data: result.data } : {}),
    ...(result.status === 'failed' ? { error: result.error } : {}),
  };
}

function identity(message: IntentRecognized) {
  return { id: message.inputId, conversationId: message.conversationId, traceId: message.traceId, tenant: message.tenant };
}
