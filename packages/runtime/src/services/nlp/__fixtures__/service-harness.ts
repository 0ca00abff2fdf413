// A real SQLite broker and store in a temp folder, with helpers to send inputs and wait for what comes back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createSqliteBroker } from '../../../broker/sqlite-broker.ts';
import type { Broker } from '../../../broker/types.ts';
import { decode } from '../../../contracts/codec.ts';
import { newMessageId, newTraceId } from '../../../contracts/ids.ts';
import type { InputReceived } from '../../../contracts/input-received.ts';
import { type IntentRecognized, IntentRecognizedSchema } from '../../../contracts/intent-recognized.ts';
import { type ReplyMessage, ReplyMessageSchema } from '../../../contracts/messages.ts';
import type { Project } from '../../../project/types.ts';
import { createSqliteStore } from '../../../store/sqlite-store.ts';
import type { Store } from '../../../store/types.ts';
import type { ServiceContext } from '../../service-context.ts';
import { TOPICS } from '../../topics.ts';

export interface ServiceHarness {
  broker: Broker;
  store: Store;
  /** Every reply fanned out on `results`, in order. */
  replies: ReplyMessage[];
  /** Every IntentRecognized published on `intents`, in order. */
  intents: IntentRecognized[];
  context(project: Project): ServiceContext;
  /** Publishes an InputReceived; resolves with it. */
  send(text: string, options?: { conversationId?: string; id?: string }): Promise<InputReceived>;
  /** The `n`th reply (1-based) about an input, once it arrives. */
  reply(inputId: string, n?: number): Promise<ReplyMessage>;
  intent(inputId: string): Promise<IntentRecognized>;
  close(): Promise<void>;
}

export async function waitFor<T>(find: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** `drainTimeoutMs`: how long closing a service waits for its running handlers before aborting them. */
export async function openHarness(options: { drainTimeoutMs?: number } = {}): Promise<ServiceHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'inputbot-services-'));
  const broker = createSqliteBroker({ path: join(dir, 'broker.db'), ...options });
  const store = createSqliteStore({ path: join(dir, 'state.db') });
  const replies: ReplyMessage[] = [];
  const intents: IntentRecognized[] = [];
  const subscriptions = [
    await broker.subscribe(TOPICS.results, (d) => {
      const decoded = decode(ReplyMessageSchema, d.payload);
      if (!decoded.ok) throw decoded.error;
      replies.push(decoded.value);
    }),
    await broker.subscribe(TOPICS.intents, (d) => {
      const decoded = decode(IntentRecognizedSchema, d.payload);
      if (!decoded.ok) throw decoded.error;
      intents.push(decoded.value);
    }),
  ];
  const logger = pino({ level: 'silent' });
  return {
    broker,
    store,
    replies,
    intents,
    context: (project) => ({ project, broker, store, logger, stateDir: dir }),
    async send(text, options = {}) {
      const input: InputReceived = {
        v: 1,
        traceId: newTraceId(),
        conversationId: options.conversationId ?? newMessageId(),
        tenant: 'acme',
        type: 'input.received',
        id: options.id ?? newMessageId(),
        user: 'u-1',
        channel: 'api',
        text,
        receivedAt: Date.now(),
      };
      await broker.publish(TOPICS.inputs, { payload: input, orderingKey: input.conversationId });
      return input;
    },
    reply: (inputId, n = 1) => waitFor(() => replies.filter((r) => r.inputId === inputId)[n - 1], `reply ${n} to ${inputId}`),
    intent: (inputId) => waitFor(() => intents.find((i) => i.inputId === inputId), `intent for ${inputId}`),
    async close() {
      for (const s of subscriptions) await s.close({ timeoutMs: 500 });
      await broker.close({ timeoutMs: 1_000 });
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
