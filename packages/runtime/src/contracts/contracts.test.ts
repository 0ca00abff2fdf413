import { describe, expect, it } from 'vitest';
import {
  ActionResultSchema,
  BotMessageSchema,
  ClarificationSchema,
  decode,
  encode,
  InputReceivedSchema,
  IntentRecognizedSchema,
  newSpanId,
  newTraceId,
  SpanSchema,
  toErrorData,
} from './index.ts';

const envelope = { v: 1 as const, traceId: newTraceId(), conversationId: 'c-1', tenant: 'acme' };
const input = {
  ...envelope,
  type: 'input.received' as const,
  id: 'm-1',
  user: 'u-1',
  channel: 'api',
  text: 'move Apollo to done',
  receivedAt: 1_700_000_000_000,
};

describe('contracts', () => {
  it('round-trips every message kind through encode, JSON and decode', () => {
    const messages = [
      [InputReceivedSchema, { ...input, idempotencyKey: 'k', data: { a: 1 } }],
      [
        IntentRecognizedSchema,
        {
          ...envelope,
          type: 'intent.recognized',
          inputId: 'm-1',
          user: 'u-1',
          channel: 'api',
          text: 'move Apollo to done',
          intent: 'update_status',
          confidence: 0.93,
          entities: { project: 'Apollo' },
          ranking: [{ intent: 'update_status', confidence: 0.93 }],
          path: 'local',
          idempotencyKey: 'm-1',
        },
      ],
      [
        ClarificationSchema,
        {
          ...envelope,
          type: 'clarification',
          inputId: 'm-1',
          intent: 'update_status',
          ask: { kind: 'slot', entity: 'status' },
          text: 'To which status?',
          entities: {},
        },
      ],
      [ActionResultSchema, { ...envelope, type: 'action.result', inputId: 'm-1', intent: 'update_status', status: 'ok', reply: 'Done.', attempts: 1 }],
      [
        SpanSchema,
        {
          ...envelope,
          type: 'span',
          spanId: newSpanId(),
          service: 'nlp',
          name: 'recognise',
          startMs: 10,
          endMs: 12,
          attributes: { intent: 'x', confidence: 0.5, llm: false },
        },
      ],
    ] as const;
    for (const [schema, message] of messages) {
      const encoded = encode(schema, message as never);
      expect(encoded).toEqual({ ok: true, value: message });
      const decoded = decode(schema, JSON.parse(JSON.stringify(message)));
      expect(decoded).toEqual({ ok: true, value: message });
      expect(decode(BotMessageSchema, message)).toEqual({ ok: true, value: message });
    }
  });

  it('returns a non-retryable CONTRACT_INVALID error value naming the bad fields', () => {
    const result = decode(InputReceivedSchema, { ...input, traceId: 'nope', text: 42 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('CONTRACT_INVALID');
    expect(result.error.nonRetryable).toBe(true);
    expect(result.error.details.map((d) => d.path).sort()).toEqual(['text', 'traceId']);
    expect(toErrorData(result.error)).toMatchObject({ code: 'CONTRACT_INVALID', nonRetryable: true });
  });

  it('rejects an unknown schema version with CONTRACT_VERSION', () => {
    const result = decode(InputReceivedSchema, { ...input, v: 2 });
    expect(result.ok || result.error.code).toBe('CONTRACT_VERSION');
  });

  it('requires error data on a failed ActionResult and a span that ends after it starts', () => {
    const failed = { ...envelope, type: 'action.result', inputId: 'm-1', intent: 'x', status: 'failed', reply: 'Sorry.', attempts: 3 };
    expect(decode(ActionResultSchema, failed).ok).toBe(false);
    expect(decode(ActionResultSchema, { ...failed, error: { code: 'ACTION_TIMEOUT', message: 't', nonRetryable: false } }).ok).toBe(true);
    const span = { ...envelope, type: 'span', spanId: newSpanId(), service: 's', name: 'n', startMs: 5, endMs: 4, attributes: {} };
    expect(decode(SpanSchema, span).ok).toBe(false);
  });

  it('turns anything thrown into error data without instanceof', () => {
    expect(toErrorData(Object.assign(new Error('boom'), { code: 'E_X', nonRetryable: true }))).toEqual({ code: 'E_X', message: 'boom', nonRetryable: true });
    expect(toErrorData(new TypeError('bad'))).toEqual({ code: 'TypeError', message: 'bad', nonRetryable: false });
    expect(toErrorData('plain')).toEqual({ code: 'UNKNOWN', message: 'plain', nonRetryable: false });
  });
});
