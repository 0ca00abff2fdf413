// Sends fixtures through a running bot's gateway and collects what it understood and replied.
import type { Broker } from '@inputbot/runtime/broker';
import type { Clarification, IntentRecognized } from '@inputbot/runtime/contracts';
import type { Fixture } from '@inputbot/runtime/project';
import { TOPICS } from '@inputbot/runtime/services';
import type { CaseAnswer } from '@inputbot/runtime/testing';

export interface E2eAnswer {
  fixture: Fixture;
  answer: CaseAnswer;
  latencyMs: number;
}

interface GatewayReply {
  status?: string;
  intent?: string;
  reply?: string;
  id?: string;
  error?: { code: string; message: string };
}

/**
 * Posts each fixture as a new conversation (`concurrency` at a time) with `?wait`, and pairs the reply
 * with the entities nlp recognised, read from the broker's `intents` and `results` topics.
 */
export async function runFixturesThroughGateway(
  gatewayUrl: string,
  broker: Broker,
  fixtures: readonly Fixture[],
  options: { concurrency?: number; waitMs?: number; onDone?: (done: number) => void } = {},
): Promise<E2eAnswer[]> {
  const entitiesByInput = new Map<string, Record<string, unknown>>();
  const record = (payload: unknown) => {
    const message = payload as { inputId?: IntentRecognized['inputId'] | Clarification['inputId']; entities?: Record<string, unknown> };
    if (message.inputId && message.entities) entitiesByInput.set(message.inputId, message.entities);
  };
  const subscriptions = await Promise.all([
    broker.subscribe(TOPICS.intents, (d) => record(d.payload)),
    broker.subscribe(TOPICS.results, (d) => record(d.payload)),
  ]);
  const answers: E2eAnswer[] = new Array(fixtures.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < fixtures.length) {
      const index = next++;
      const fixture = fixtures[index] as Fixture;
      const started = performance.now();
      const reply = await post(gatewayUrl, fixture, index, options.waitMs ?? 15_000);
      const latencyMs = performance.now() - started;
      // The reply can arrive a moment before this process has read the same message from the broker.
      for (let i = 0; reply.id && !entitiesByInput.has(reply.id) && reply.intent && reply.intent !== 'none' && i < 50; i++) await sleep(10);
      answers[index] = {
        fixture,
        latencyMs,
        answer: {
          intent: reply.error ? `error: ${reply.error.code}` : (reply.intent ?? 'none'),
          confidence: 1,
          entities: (reply.id && entitiesByInput.get(reply.id)) || {},
          reply: reply.reply ?? reply.error?.message ?? `(status ${reply.status ?? 'unknown'})`,
        },
      };
      options.onDone?.(++done);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, fixtures.length) }, worker));
  } finally {
    await Promise.all(subscriptions.map((s) => s.close()));
  }
  return answers;
}

async function post(gatewayUrl: string, fixture: Fixture, index: number, waitMs: number): Promise<GatewayReply> {
  const response = await fetch(`${gatewayUrl}/v1/messages?wait=${waitMs}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'bot-test', text: fixture.text, conversationId: `e2e-${index}-${Date.now()}` }),
  });
  const body = (await response.json()) as GatewayReply;
  if (response.status === 202) return { ...body, reply: `(no reply within ${waitMs} ms)` };
  return body;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
