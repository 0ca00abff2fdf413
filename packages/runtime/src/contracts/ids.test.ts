import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TraceIdSchema } from './envelope.ts';
import { newMessageId, newSpanId, newTraceId, userConversationId } from './ids.ts';

describe('ids', () => {
  it('makes message ids that are UUID v7 and unique', () => {
    const ids = Array.from({ length: 5_000 }, newMessageId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 50)) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(z.uuid().safeParse(id).success).toBe(true);
    }
  });

  it('orders message and trace ids by creation time, to the millisecond', async () => {
    const [message1, trace1] = [newMessageId(), newTraceId()];
    await new Promise((resolve) => setTimeout(resolve, 3));
    const [message2, trace2] = [newMessageId(), newTraceId()];
    expect(message1 < message2).toBe(true);
    expect(trace1 < trace2).toBe(true);
    // The leading 48 bits are the time in milliseconds.
    expect(Math.abs(Number.parseInt(newTraceId().slice(0, 12), 16) - Date.now())).toBeLessThan(1_000);
  });

  it('makes valid W3C trace and span ids', () => {
    const traces = Array.from({ length: 2_000 }, newTraceId);
    const spans = Array.from({ length: 2_000 }, newSpanId);
    expect(new Set(traces).size).toBe(traces.length);
    expect(new Set(spans).size).toBe(spans.length);
    for (const id of traces.slice(0, 50)) expect(TraceIdSchema.safeParse(id).success).toBe(true);
    for (const id of spans.slice(0, 50)) expect(id).toMatch(/^(?!0{16})[0-9a-f]{16}$/);
  });

  it("gives a user's inputs on a channel one conversation, apart from other tenants, channels and users", () => {
    const ana = userConversationId('default', 'api', 'ana');
    expect(userConversationId('default', 'api', 'ana')).toBe(ana);
    expect(z.uuid().safeParse(ana).success).toBe(true);
    const others = [
      userConversationId('acme', 'api', 'ana'),
      userConversationId('default', 'slack', 'ana'),
      userConversationId('default', 'api', 'bob'),
      // Fields are hashed apart, so shifting text from one to the next is another conversation.
      userConversationId('default', 'apia', 'na'),
    ];
    expect(new Set([ana, ...others]).size).toBe(5);
  });
});
