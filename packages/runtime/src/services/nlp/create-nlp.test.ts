import { afterEach, describe, expect, it } from 'vitest';
import { BotConfigSchema } from '../../define/bot.ts';
import { type FakeChat, startFakeChat } from '../../nlu/__fixtures__/fake-chat-server.ts';
import type { RunningService } from '../service-context.ts';
import { TOPICS } from '../topics.ts';
import { openHarness, type ServiceHarness, waitFor } from './__fixtures__/service-harness.ts';
import { taskProject, withGreeting } from './__fixtures__/task-project.ts';
import { createNlp } from './index.ts';

let harness: ServiceHarness;
let nlp: RunningService | undefined;
let fake: FakeChat | undefined;

async function start(project = taskProject(), llmUrl?: string, leaseMs?: number) {
  harness = await openHarness();
  nlp = await createNlp(harness.context(project), { llmUrl, ...(leaseMs && { leaseMs }) });
}

afterEach(async () => {
  await nlp?.close();
  nlp = undefined;
  await harness.close();
  await fake?.close();
  fake = undefined;
});

describe('nlp service', () => {
  it('publishes a complete intent with its entities, marks the message recognized and records a span', async () => {
    await start();
    const input = await harness.send('move Apollo to done');
    const intent = await harness.intent(input.id);
    expect(intent).toMatchObject({
      intent: 'update_status',
      entities: { project: 'Apollo', status: 'done' },
      path: 'local',
      idempotencyKey: input.id,
      conversationId: input.conversationId,
      traceId: input.traceId,
    });
    expect(intent.confidence).toBeGreaterThan(0.5);
    expect(await harness.store.getMessage(input.id)).toMatchObject({ status: 'recognized', intent: 'update_status' });
    const spans = await waitFor(async () => {
      const found = await harness.store.listSpans(input.traceId);
      return found.length ? found : undefined;
    }, 'span');
    expect(spans[0]).toMatchObject({ service: 'nlp', name: 'recognize', attributes: { intent: 'update_status', path: 'local', entities: 2 } });
  });

  it('answers out-of-scope text with a fallback listing what the bot can do', async () => {
    await start();
    const input = await harness.send('tell me a joke');
    const reply = await harness.reply(input.id);
    expect(reply).toMatchObject({ type: 'action.result', intent: 'none', status: 'ok' });
    expect(reply.type === 'action.result' && reply.reply).toBe(
      "Sorry, I didn't get that. I can help with: move a project to another status, create a task, list your tasks, delete a project.",
    );
    expect(await harness.store.getMessage(input.id)).toMatchObject({ status: 'completed', intent: 'none' });
    expect(harness.intents).toEqual([]);
  });

  it('asks for a missing required entity and completes the intent with the next message', async () => {
    await start();
    const conversationId = 'c-slot';
    const first = await harness.send('move Apollo', { conversationId });
    expect(await harness.reply(first.id)).toMatchObject({
      type: 'clarification',
      intent: 'update_status',
      ask: { kind: 'slot', entity: 'status' },
      text: 'Which status? (todo, in progress, done)',
      entities: { project: 'Apollo' },
    });
    expect(await harness.store.getMessage(first.id)).toMatchObject({ status: 'clarifying' });
    expect(await harness.store.getContext(conversationId)).toMatchObject({ pendingIntent: 'update_status', awaiting: { kind: 'slot', entity: 'status' } });

    const second = await harness.send('done', { conversationId });
    expect(await harness.intent(second.id)).toMatchObject({ intent: 'update_status', entities: { project: 'Apollo', status: 'done' } });
    expect(await harness.store.getContext(conversationId)).toBeUndefined();
  });

  it('takes a bare free-text answer as the awaited entity', async () => {
    await start();
    const conversationId = 'c-free';
    const first = await harness.send('change the status to done', { conversationId });
    expect(await harness.reply(first.id)).toMatchObject({ type: 'clarification', ask: { kind: 'slot', entity: 'project' }, text: 'Which project?' });
    const second = await harness.send('Kraken', { conversationId });
    expect(await harness.intent(second.id)).toMatchObject({ entities: { project: 'Kraken', status: 'done' } });
  });

  it('abandons the pending intent when the user clearly asks for something else', async () => {
    await start();
    const conversationId = 'c-abandon';
    const first = await harness.send('move Apollo', { conversationId });
    await harness.reply(first.id);
    const second = await harness.send('show me my tasks', { conversationId });
    expect(await harness.intent(second.id)).toMatchObject({ intent: 'list_tasks', entities: {} });
  });

  it('asks to confirm a destructive intent and publishes it confirmed on yes', async () => {
    await start();
    const conversationId = 'c-yes';
    const first = await harness.send('delete project Apollo', { conversationId });
    expect(await harness.reply(first.id)).toMatchObject({
      type: 'clarification',
      ask: { kind: 'confirmation' },
      text: 'Delete a project (project: Apollo) — are you sure? (yes/no)',
    });
    expect(harness.intents).toEqual([]);
    const second = await harness.send('yes', { conversationId });
    expect(await harness.intent(second.id)).toMatchObject({ intent: 'delete_project', entities: { project: 'Apollo' }, confirmed: true });
  });

  it('cancels a destructive intent on no', async () => {
    await start();
    const conversationId = 'c-no';
    const first = await harness.send('delete project Apollo', { conversationId });
    await harness.reply(first.id);
    const second = await harness.send('no', { conversationId });
    expect(await harness.reply(second.id)).toMatchObject({ type: 'action.result', intent: 'delete_project', status: 'ok', reply: "OK, I've cancelled that." });
    expect(await harness.store.getMessage(second.id)).toMatchObject({ status: 'completed' });
    expect(await harness.store.getContext(conversationId)).toBeUndefined();
    expect(harness.intents).toEqual([]);
  });

  it('replays the decided turn when an input is delivered twice, instead of deciding again', async () => {
    await start();
    const conversationId = 'c-dup';
    const first = await harness.send('move Apollo', { conversationId });
    await harness.reply(first.id);
    const answer = await harness.send('done', { conversationId, id: 'answer-1' });
    await harness.send('done', { conversationId, id: 'answer-1' });
    await waitFor(() => (harness.intents.filter((i) => i.inputId === answer.id).length === 2 ? true : undefined), 'both deliveries');
    const [a, b] = harness.intents.filter((i) => i.inputId === answer.id);
    expect(b).toEqual(a);
    expect(a?.entities).toEqual({ project: 'Apollo', status: 'done' });
  });

  it('dead-letters an input that breaks the contract', async () => {
    await start();
    await harness.broker.publish(TOPICS.inputs, { payload: { type: 'input.received', text: 42 } });
    const letters = await waitFor(async () => {
      const found = await harness.broker.listDeadLetters(TOPICS.inputs);
      return found.length ? found : undefined;
    }, 'dead letter');
    expect(letters[0]?.error).toMatchObject({ code: 'CONTRACT_INVALID', nonRetryable: true });
  });

  it('keeps recognising with the old model during a reload and swaps in the new one when it is trained', async () => {
    await start();
    const before = await harness.send('hello there');
    expect(await harness.reply(before.id)).toMatchObject({ intent: 'none' });
    const reloading = nlp?.reload?.(withGreeting(taskProject()));
    const during = await harness.send('move Apollo to done');
    await reloading;
    expect(await harness.intent(during.id)).toMatchObject({ intent: 'update_status' });
    const after = await harness.send('hello there');
    expect(await harness.intent(after.id)).toMatchObject({ intent: 'greet' });
  });

  it('in llm mode publishes the intent the model chose, with path llm and its tokens and cost on the span', async () => {
    fake = await startFakeChat(() => ({ result: { intent: 'update_status', entities: { project: 'Apollo', status: 'done', due: null } } }));
    await start({ ...taskProject(), config: BotConfigSchema.parse({ name: 'task-bot', nlu: { mode: 'llm' } }) }, fake.url);
    const input = await harness.send('Apollo is wrapped up, ship it');
    expect(await harness.intent(input.id)).toMatchObject({
      intent: 'update_status',
      entities: { project: 'Apollo', status: 'done' },
      path: 'llm',
      confidence: 1,
    });
    expect(fake.requests[0]?.headers.traceparent).toContain(input.traceId);
    const spans = await waitFor(async () => {
      const found = await harness.store.listSpans(input.traceId);
      return found.length ? found : undefined;
    }, 'span');
    expect(spans[0]?.attributes).toEqual({
      intent: 'update_status',
      confidence: 1,
      path: 'llm',
      model: 'gpt-4o-mini',
      llmCalls: 1,
      inputTokens: 120,
      outputTokens: 15,
      costUsd: 0.0002,
      entities: 2,
      rejected: 0,
      outcome: 'recognized',
    });
  });

  it('renews its lease while a slow model answers, so the input is decided (and paid for) once', async () => {
    fake = await startFakeChat(async () => {
      await new Promise((resolve) => setTimeout(resolve, 700));
      return { result: { intent: 'update_status', entities: { project: 'Apollo', status: 'done', due: null } } };
    });
    await start({ ...taskProject(), config: BotConfigSchema.parse({ name: 'task-bot', nlu: { mode: 'llm' } }) }, fake.url, 200);
    const input = await harness.send('Apollo is wrapped up, ship it');
    expect(await harness.intent(input.id)).toMatchObject({ intent: 'update_status', path: 'llm' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fake.requests).toHaveLength(1);
  });
});
