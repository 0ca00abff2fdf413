import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { newMessageId, newTraceId } from '../../contracts/ids.ts';
import type { IntentRecognized } from '../../contracts/intent-recognized.ts';
import type { ActionContext } from '../../define/action.ts';
import type { Store } from '../../store/types.ts';
import { openHarness, type ServiceHarness, waitFor } from '../nlp/__fixtures__/service-harness.ts';
import { taskProject, testAction } from '../nlp/__fixtures__/task-project.ts';
import { createNlp } from '../nlp/index.ts';
import type { RunningService } from '../service-context.ts';
import { TOPICS } from '../topics.ts';
import { createExecutor, type ExecutorOptions } from './index.ts';

let harness: ServiceHarness;
const services: RunningService[] = [];

const FAST: ExecutorOptions = { retryInitialMs: 5, retryMaxMs: 20 };

async function start(actions: Parameters<typeof taskProject>[0], options: ExecutorOptions = FAST) {
  harness = await openHarness();
  const executor = await createExecutor(harness.context(taskProject(actions)), options);
  services.push(executor);
  return executor;
}

afterEach(async () => {
  for (const service of services.splice(0)) await service.close();
  await harness.close();
});

function intentMessage(fields: Partial<IntentRecognized> = {}): IntentRecognized {
  return {
    v: 1,
    traceId: newTraceId(),
    conversationId: newMessageId(),
    tenant: 'acme',
    type: 'intent.recognized',
    inputId: newMessageId(),
    user: 'u-1',
    channel: 'api',
    text: 'move Apollo to done',
    intent: 'update_status',
    confidence: 0.97,
    entities: { project: 'Apollo', status: 'done' },
    ranking: [{ intent: 'update_status', confidence: 0.97 }],
    path: 'local',
    idempotencyKey: 'k-1',
    ...fields,
  };
}

async function publish(message: IntentRecognized): Promise<IntentRecognized> {
  await harness.broker.publish(TOPICS.intents, { payload: message, orderingKey: message.conversationId });
  return message;
}

/** An update_status action that takes `ms` to answer, and how often it ran. */
function slowAction(ms: number) {
  let runs = 0;
  const slow = testAction('update_status', async () => {
    runs++;
    await new Promise((resolve) => setTimeout(resolve, ms));
    return 'done slowly';
  });
  return { slow, runs: () => runs };
}

describe('executor service', () => {
  it('runs the action for a recognised input end to end and stores the reply', async () => {
    const contexts: ActionContext[] = [];
    const action = testAction('update_status', ({ project, status }, ctx) => {
      contexts.push(ctx);
      return { text: `Moved ${project} to ${status}.`, data: { project } };
    });
    await start([action]);
    services.push(await createNlp(harness.context(taskProject([action]))));
    const input = await harness.send('move Apollo to done');
    expect(await harness.reply(input.id)).toMatchObject({
      type: 'action.result',
      status: 'ok',
      intent: 'update_status',
      reply: 'Moved Apollo to done.',
      data: { project: 'Apollo' },
      attempts: 1,
    });
    expect(contexts[0]).toMatchObject({ user: 'u-1', text: 'move Apollo to done', attempt: 1, idempotencyKey: input.id, traceId: input.traceId });
    const record = await waitFor(async () => {
      const found = await harness.store.getMessage(input.id);
      return found?.status === 'completed' ? found : undefined;
    }, 'completed status');
    expect(record).toMatchObject({ reply: 'Moved Apollo to done.', intent: 'update_status' });
    const spans = await waitFor(async () => {
      const found = await harness.store.listSpans(input.traceId);
      return found.length === 2 ? found : undefined;
    }, 'both spans');
    expect(spans.map((s) => [s.service, s.name])).toEqual([
      ['nlp', 'recognize'],
      ['executor', 'action update_status'],
    ]);
    expect(spans[1]?.attributes).toMatchObject({ attempts: 1, outcome: 'ok' });
  });

  it('runs the action once for a duplicate delivery and republishes the stored result', async () => {
    let calls = 0;
    await start([testAction('update_status', () => `call ${++calls}`)]);
    const message = intentMessage();
    await publish(message);
    await publish(message);
    const second = await harness.reply(message.inputId, 2);
    expect(second).toEqual(await harness.reply(message.inputId, 1));
    expect(second).toMatchObject({ status: 'ok', reply: 'call 1' });
    expect(calls).toBe(1);
  });

  it('redelivers an intent whose action another consumer holds, then republishes that result', async () => {
    let calls = 0;
    // The holder's claim would go stale after two leases (4 s here); it completes well before.
    await start([testAction('update_status', () => `call ${++calls}`)], { ...FAST, leaseMs: 2_000 });
    const message = intentMessage();
    expect(await harness.store.claim(`action:${message.inputId}`)).toMatchObject({ status: 'first' });
    await publish(message);
    await waitFor(async () => ((await harness.broker.stats()).find((t) => t.topic === TOPICS.intents)?.groups[0]?.retrying ? true : undefined), 'a retry');
    const { v, traceId, conversationId, tenant, inputId, intent } = message;
    const stored = { v, traceId, conversationId, tenant, type: 'action.result', inputId, intent, status: 'ok', reply: 'done elsewhere', attempts: 1 };
    await harness.store.complete(`action:${message.inputId}`, stored);
    expect(await harness.reply(message.inputId)).toMatchObject({ reply: 'done elsewhere' });
    expect(calls).toBe(0);
  });

  it('turns a throwing action into a failed result with a safe reply, and keeps consuming', async () => {
    await start([testAction('update_status', () => Promise.reject(new Error('database password=hunter2 refused')))]);
    const failing = await publish(intentMessage());
    const reply = await harness.reply(failing.inputId);
    expect(reply).toMatchObject({
      status: 'failed',
      reply: 'Sorry, something went wrong while handling "update status". Please try again.',
      error: { code: 'ACTION_FAILED', message: 'database password=hunter2 refused' },
    });
    expect(await harness.store.getMessage(failing.inputId)).toMatchObject({ status: 'failed', error: { code: 'ACTION_FAILED' } });
    const next = await publish(intentMessage({ intent: 'list_tasks', entities: {} }));
    expect(await harness.reply(next.inputId)).toMatchObject({ status: 'ok', reply: 'Understood "list tasks", but no action is defined for it yet.' });
  });

  it('replies by default for an intent without an action, naming the intent and entities', async () => {
    await start([]);
    const message = await publish(intentMessage());
    expect(await harness.reply(message.inputId)).toMatchObject({
      status: 'ok',
      reply: 'Understood "update status" (project: Apollo, status: done), but no action is defined for it yet.',
    });
  });

  it('aborts an action that runs past its timeout and reports ACTION_TIMEOUT', async () => {
    let aborted = false;
    const hang = testAction(
      'update_status',
      (_entities, ctx) =>
        new Promise<string>(() => {
          ctx.signal.addEventListener('abort', () => (aborted = true));
        }),
      { timeoutMs: 50 },
    );
    await start([hang]);
    const message = await publish(intentMessage());
    expect(await harness.reply(message.inputId)).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'ACTION_TIMEOUT' } });
    expect(aborted).toBe(true);
  });

  it('retries a failing action with backoff until it succeeds', async () => {
    const attempts: number[] = [];
    const flaky = testAction(
      'update_status',
      (_entities, ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 3) throw new Error('flaky');
        return 'third time lucky';
      },
      { retries: 2 },
    );
    await start([flaky]);
    const message = await publish(intentMessage());
    expect(await harness.reply(message.inputId)).toMatchObject({ status: 'ok', reply: 'third time lucky', attempts: 3 });
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('does not retry an invalid reply', async () => {
    let calls = 0;
    await start([testAction('update_status', () => ++calls as unknown as string, { retries: 2 })]);
    const message = await publish(intentMessage());
    expect(await harness.reply(message.inputId)).toMatchObject({
      status: 'failed',
      error: { code: 'ACTION_FAILED', message: expect.stringMatching(/returned number/) },
    });
    expect(calls).toBe(1);
  });

  it('opens the circuit after 5 consecutive failures, fails fast, and closes it again after a good half-open try', async () => {
    let calls = 0;
    let healthy = false;
    const action = testAction('update_status', () => {
      calls++;
      if (!healthy) throw new Error('backend down');
      return 'back';
    });
    await start([action], { ...FAST, breakerHalfOpenAfterMs: 300 });
    const conversationId = 'c-breaker';
    for (let i = 0; i < 5; i++) {
      const m = await publish(intentMessage({ conversationId }));
      expect(await harness.reply(m.inputId)).toMatchObject({ error: { code: 'ACTION_FAILED' } });
    }
    const open = await publish(intentMessage({ conversationId }));
    expect(await harness.reply(open.inputId)).toMatchObject({
      status: 'failed',
      reply: 'Update status is unavailable right now, try again shortly.',
      error: { code: 'ACTION_UNAVAILABLE' },
    });
    expect(calls).toBe(5);
    healthy = true;
    await new Promise((resolve) => setTimeout(resolve, 350));
    const recovered = await publish(intentMessage({ conversationId }));
    expect(await harness.reply(recovered.inputId)).toMatchObject({ status: 'ok', reply: 'back' });
  });

  it('drains running actions on reload, then runs new messages with the new actions', async () => {
    let release = () => {};
    let started = false;
    const slow = testAction('update_status', async () => {
      started = true;
      await new Promise<void>((resolve) => (release = resolve));
      return 'old';
    });
    const executor = await start([slow]);
    const first = await publish(intentMessage());
    await waitFor(() => (started ? true : undefined), 'the slow action to start');
    let reloaded = false;
    const reloading = executor.reload?.(taskProject([testAction('update_status', () => 'new')])).then(() => (reloaded = true));
    const second = await publish(intentMessage());
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(reloaded).toBe(false);
    expect(harness.replies).toEqual([]);
    release();
    await reloading;
    expect(await harness.reply(first.inputId)).toMatchObject({ reply: 'old' });
    expect(await harness.reply(second.inputId)).toMatchObject({ reply: 'new' });
  });

  it('renews the lease while a long action runs, so the message is not handed out again meanwhile', async () => {
    harness = await openHarness();
    const { slow, runs } = slowAction(700);
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    services.push(await createExecutor({ ...harness.context(taskProject([slow])), logger }, { ...FAST, leaseMs: 150 }));
    const message = await publish(intentMessage());
    expect(await harness.reply(message.inputId)).toMatchObject({ status: 'ok', reply: 'done slowly', attempts: 1 });
    expect(runs()).toBe(1);
    // Without renewal the lease ends at 150 ms and the message comes back while the action is still running.
    expect(warnings.join('')).not.toContain('ACTION_IN_PROGRESS');
  });

  it('renews its claim while the action runs, so no other executor can presume it dead', async () => {
    harness = await openHarness();
    const { slow, runs } = slowAction(1_500);
    services.push(await createExecutor(harness.context(taskProject([slow])), { ...FAST, leaseMs: 300 }));
    const message = await publish(intentMessage());
    await waitFor(async () => (runs() === 1 ? true : undefined), 'the first run');
    // Three leases into the action: without the heartbeat's renewals the claim would be stale by now (two leases).
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(await harness.store.claim(`action:${message.inputId}`, { staleAfterMs: 600 })).toMatchObject({ status: 'duplicate', state: 'in-progress' });
    expect(await harness.reply(message.inputId)).toMatchObject({ status: 'ok', reply: 'done slowly' });
    expect(runs()).toBe(1);
  });
  it('does not take over its own running action whose claim looks stale (a pause kept the heartbeat from the store)', async () => {
    harness = await openHarness();
    const { slow, runs } = slowAction(1_000);
    // The heartbeat's claim renewals never reach the store, as when a debugger or a blocked loop holds the process.
    const paused: Store = Object.assign(Object.create(harness.store), { renewClaim: async () => true });
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    services.push(await createExecutor({ ...harness.context(taskProject([slow])), store: paused, logger }, { ...FAST, leaseMs: 100 }));
    const message = await publish(intentMessage());
    await waitFor(async () => (runs() === 1 ? true : undefined), 'the first run');
    // Past two leases, the claim looks dead; the same intent comes again, beside the first.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await harness.broker.publish(TOPICS.intents, { payload: message });
    expect(await harness.reply(message.inputId)).toMatchObject({ status: 'ok', reply: 'done slowly' });
    expect(await harness.reply(message.inputId, 2)).toMatchObject({ status: 'ok', reply: 'done slowly' });
    expect(runs()).toBe(1);
    // The second delivery waited for the run in this process and answered from its result, without a failed try.
    expect(warnings.join('')).not.toContain('intent failed');
  });

  it('does not start an action again at shutdown when the run a redelivery waited for was cut short', async () => {
    harness = await openHarness({ drainTimeoutMs: 200 });
    const { slow, runs } = slowAction(1_000);
    const executor = await createExecutor(harness.context(taskProject([slow])), FAST);
    const message = await publish(intentMessage());
    await waitFor(async () => (runs() === 1 ? true : undefined), 'the first run');
    // A copy of the same intent, delivered beside the first: it waits for the run in this process.
    await harness.broker.publish(TOPICS.intents, { payload: message });
    const intents = async () => (await harness.broker.stats()).find((t) => t.topic === TOPICS.intents)?.groups[0];
    await waitFor(async () => ((await intents())?.inFlight === 2 ? true : undefined), 'the copy in flight');
    // Closing waits 200 ms for the handlers, then aborts them: the first run lets its claim go, and the copy must
    // not take it and run the action while the executor stops.
    await executor.close();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(runs()).toBe(1);
  });

  it('says once, as a warning, that its claim was taken over while the action ran', async () => {
    harness = await openHarness();
    const { slow, runs } = slowAction(800);
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    services.push(await createExecutor({ ...harness.context(taskProject([slow])), logger }, { ...FAST, leaseMs: 200 }));
    const message = await publish(intentMessage());
    await waitFor(async () => (runs() === 1 ? true : undefined), 'the first run');
    // Another claimer presumes this one dead (as after a pause longer than two leases) and takes the claim.
    expect(await harness.store.claim(`action:${message.inputId}`, { staleAfterMs: 0 })).toMatchObject({ status: 'first' });
    expect(await harness.reply(message.inputId)).toMatchObject({ status: 'ok', reply: 'done slowly' });
    const lost = warnings.filter((line) => line.includes("is no longer this executor's"));
    expect(lost).toHaveLength(1);
    expect(lost[0]).toContain(message.inputId);
  });

  it('runs the action once its dead claimer’s claim goes stale, retrying at that moment rather than on the backoff', async () => {
    let calls = 0;
    harness = await openHarness();
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    const project = taskProject([testAction('update_status', () => `call ${++calls}`)]);
    services.push(await createExecutor({ ...harness.context(project), logger }, { ...FAST, leaseMs: 1_500 }));
    const message = intentMessage();
    // A claim nobody renews: its executor was killed after taking it. It goes stale two leases (3 s) later.
    expect(await harness.store.claim(`action:${message.inputId}`)).toMatchObject({ status: 'first' });
    const claimedAt = Date.now();
    await publish(message);
    expect(await harness.reply(message.inputId)).toMatchObject({ status: 'ok', reply: 'call 1' });
    expect(calls).toBe(1);
    expect(Date.now() - claimedAt).toBeGreaterThanOrEqual(3_000);
    // One try found the claim alive and the next came when it went stale; the 1 s, 2 s… backoff would have tried
    // at 1 s and 3 s as well.
    expect(warnings.filter((line) => line.includes('ACTION_IN_PROGRESS'))).toHaveLength(1);
  });
});
