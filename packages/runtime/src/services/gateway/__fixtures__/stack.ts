// Test stack: real SQLite broker and store in a temp dir, receiver and gateway on 127.0.0.1, and a fake nlp/executor.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createSqliteBroker } from '../../../broker/sqlite-broker.ts';
import type { Broker } from '../../../broker/types.ts';
import { decode, encode } from '../../../contracts/codec.ts';
import { InputReceivedSchema } from '../../../contracts/input-received.ts';
import { IntentRecognizedSchema } from '../../../contracts/intent-recognized.ts';
import { ReplyMessageSchema } from '../../../contracts/messages.ts';
import { BotConfigSchema } from '../../../define/bot.ts';
import type { Project } from '../../../project/types.ts';
import { createSqliteStore } from '../../../store/sqlite-store.ts';
import type { Store } from '../../../store/types.ts';
import { createReceiver, type ReceiverOptions } from '../../receiver/index.ts';
import type { RunningService, ServiceContext } from '../../service-context.ts';
import { GROUPS, TOPICS } from '../../topics.ts';
import { createGateway, type GatewayOptions } from '../index.ts';

export interface Stack {
  url: string;
  receiverUrl: string;
  broker: Broker;
  store: Store;
  /** Inputs the fake pipeline consumed, in order. */
  inputs: unknown[];
  close(): Promise<void>;
}

export interface StackOptions {
  gateway?: Partial<GatewayOptions>;
  receiver?: Partial<ReceiverOptions>;
  /** Run the fake nlp/executor. @default true */
  pipeline?: boolean;
}

/**
 * Starts the stack. Texts containing "clarify" get a Clarification; "slow" ones answer after 300 ms; "fail" ones a
 * failed ActionResult whose error names an internal host; others an ActionResult.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const dir = await mkdtemp(path.join(tmpdir(), 'inputbot-gateway-'));
  const broker = createSqliteBroker({ path: path.join(dir, 'broker.db') });
  const store = createSqliteStore({ path: path.join(dir, 'state.db') });
  const project: Project = { root: dir, config: BotConfigSchema.parse({ name: 'test-bot' }), intents: [], examples: [], actions: [], fixtures: [] };
  const context: ServiceContext = { project, broker, store, logger: pino({ level: 'silent' }), stateDir: dir };
  const inputs: unknown[] = [];
  const pipeline = options.pipeline === false ? undefined : await startFakePipeline(broker, store, inputs);
  const receiver: RunningService = await createReceiver(context, { port: 0, ...options.receiver });
  const receiverUrl = `http://127.0.0.1:${receiver.port}`;
  const gateway = await createGateway(context, { port: 0, receiverUrl, ...options.gateway });
  return {
    url: `http://127.0.0.1:${gateway.port}`,
    receiverUrl,
    broker,
    store,
    inputs,
    async close() {
      await gateway.close();
      await receiver.close();
      await pipeline?.close();
      await broker.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Stands in for nlp and executor: intent `echo` for every input, then a reply on `results`. */
async function startFakePipeline(broker: Broker, store: Store, seen: unknown[]) {
  return broker.consume(TOPICS.inputs, GROUPS.nlp, async (delivery) => {
    const decoded = decode(InputReceivedSchema, delivery.payload);
    if (!decoded.ok) throw decoded.error;
    const input = decoded.value;
    seen.push(input);
    const envelope = { v: 1 as const, traceId: input.traceId, conversationId: input.conversationId, tenant: input.tenant };
    const recognized = encode(IntentRecognizedSchema, {
      ...envelope,
      type: 'intent.recognized',
      inputId: input.id,
      user: input.user,
      channel: input.channel,
      text: input.text,
      intent: 'echo',
      confidence: 0.9,
      entities: { said: input.text },
      ranking: [{ intent: 'echo', confidence: 0.9 }],
      path: 'local',
      idempotencyKey: input.id,
    });
    if (!recognized.ok) throw recognized.error;
    await broker.publish(TOPICS.intents, { payload: recognized.value, orderingKey: input.conversationId });
    if (input.text.includes('slow')) await new Promise((resolve) => setTimeout(resolve, 300));
    const error = { code: 'ACTION_FAILED', message: 'connect ECONNREFUSED db.internal:5432', nonRetryable: false };
    const reply = encode(
      ReplyMessageSchema,
      input.text.includes('clarify')
        ? { ...envelope, type: 'clarification', inputId: input.id, intent: 'echo', ask: { kind: 'slot', entity: 'what' }, text: 'Echo what?', entities: {} }
        : input.text.includes('fail')
          ? { ...envelope, type: 'action.result', inputId: input.id, intent: 'echo', status: 'failed', reply: 'Sorry, that did not work.', error, attempts: 3 }
          : { ...envelope, type: 'action.result', inputId: input.id, intent: 'echo', status: 'ok', reply: `echo: ${input.text}`, data: { n: 1 }, attempts: 1 },
    );
    if (!reply.ok) throw reply.error;
    const settled =
      reply.value.type === 'clarification'
        ? { status: 'clarifying' as const, reply: reply.value.text }
        : reply.value.status === 'failed'
          ? { status: 'failed' as const, reply: reply.value.reply, error }
          : { status: 'completed' as const, reply: reply.value.reply };
    await store.putMessage({ id: input.id, conversationId: input.conversationId, traceId: input.traceId, tenant: input.tenant, intent: 'echo', ...settled });
    await broker.publish(TOPICS.results, { payload: reply.value, orderingKey: input.conversationId });
  });
}

/** POSTs JSON (or raw bytes) and returns status, headers and the parsed body. */
export async function send(
  url: string,
  init: { method?: string; body?: unknown; raw?: string | Uint8Array; contentType?: string } = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely and assert on them
): Promise<{ status: number; type: string | null; body: any }> {
  const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
  const response = await fetch(url, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, ...(body !== undefined && { body }) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: response.status, type: response.headers.get('content-type'), body: parsed };
}
