// The broker contract: one suite every adapter (sqlite now, nats later) must pass, written against the interface only.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Broker, Delivery, Subscription } from './types.ts';

/** A backend several brokers can share, the way several processes share one SQLite file or one NATS server. */
export interface BrokerFixture {
  /** Opens another broker on the shared backend. */
  open(): Promise<Broker>;
  /** Deletes the backend (brokers are closed by the suite first). */
  cleanup(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true; fails after `timeoutMs`. The only kind of timing these tests rely on. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

const fast = { backoff: { initialMs: 20, maxMs: 200, jitter: 0 } };

/** Runs the broker contract against the adapter `name`. `makeFixture` is called once per test. */
export function runBrokerContract(name: string, makeFixture: () => Promise<BrokerFixture>): void {
  describe(`broker contract: ${name}`, () => {
    let fixture: BrokerFixture;
    let opened: Broker[];
    let topicCounter = 0;
    let topic: string;
    const open = async () => {
      const broker = await fixture.open();
      opened.push(broker);
      return broker;
    };

    beforeEach(async () => {
      fixture = await makeFixture();
      opened = [];
      topic = `t${++topicCounter}`;
    });

    afterEach(async () => {
      await Promise.all(opened.map((b) => b.close({ timeoutMs: 500 })));
      await fixture.cleanup();
    });

    it('delivers a published message with its id, payload, headers and key, and ack removes it', async () => {
      const broker = await open();
      const seen: Delivery[] = [];
      await broker.consume(topic, 'g', async (d) => void seen.push(d));
      const id = await broker.publish(topic, { payload: { n: 1, s: 'é' }, orderingKey: 'c-1', headers: { traceparent: 'x' }, id: 'm-1' });
      expect(id).toBe('m-1');
      await waitFor(() => seen.length === 1, undefined, 'delivery');
      expect(seen[0]).toMatchObject({ id: 'm-1', topic, payload: { n: 1, s: 'é' }, orderingKey: 'c-1', headers: { traceparent: 'x' }, attempt: 1 });
      await waitFor(async () => depth(await broker.stats(), topic, 'g') === 0, undefined, 'ack');
      await sleep(100);
      expect(seen).toHaveLength(1);
    });

    it('keeps messages for a group while none of its members runs, and for a group that joins later', async () => {
      const broker = await open();
      const first = await broker.consume(topic, 'g', async () => {});
      await first.close();
      const ids = await broker.publishBatch(topic, [{ payload: 1 }, { payload: 2 }, { payload: 3 }]);
      expect(ids).toHaveLength(3);
      expect(depth(await broker.stats(), topic, 'g')).toBe(3);
      const seen: unknown[] = [];
      const late: unknown[] = [];
      await broker.consume(topic, 'g', async (d) => void seen.push(d.payload));
      await broker.consume(topic, 'late', async (d) => void late.push(d.payload));
      await waitFor(() => seen.length === 3 && late.length === 3, undefined, 'both groups');
      expect(seen).toEqual([1, 2, 3]);
      expect(late).toEqual([1, 2, 3]);
    });

    it('gives every consumer group every message, and each message to one member of a group', async () => {
      const [a, b] = [await open(), await open()];
      const byMember = { a: [] as number[], b: [] as number[] };
      const other: number[] = [];
      const slow = (list: number[]) => async (d: Delivery) => {
        list.push(d.payload as number);
        await sleep(3);
      };
      await a.consume(topic, 'workers', slow(byMember.a), { concurrency: 2 });
      await b.consume(topic, 'workers', slow(byMember.b), { concurrency: 2 });
      await a.consume(topic, 'audit', async (d) => void other.push(d.payload as number));
      await a.publishBatch(
        topic,
        Array.from({ length: 60 }, (_, i) => ({ payload: i })),
      );
      await waitFor(() => byMember.a.length + byMember.b.length === 60 && other.length === 60, undefined, 'all messages');
      expect([...byMember.a, ...byMember.b].sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => i));
      expect(byMember.a.length).toBeGreaterThan(0);
      expect(byMember.b.length).toBeGreaterThan(0);
      expect(other.sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    });

    it('redelivers a nacked message after a backoff that grows with attempts', async () => {
      const broker = await open();
      const times: number[] = [];
      const errors: string[] = [];
      await broker.consume(
        topic,
        'g',
        async (d) => {
          times.push(Date.now());
          if (d.attempt < 3) throw Object.assign(new Error(`try ${d.attempt}`), { code: 'FLAKY' });
        },
        { backoff: { initialMs: 100, maxMs: 10_000, jitter: 0 }, onError: (e) => errors.push(`${e.code}:${e.message}`) },
      );
      await broker.publish(topic, { payload: 'x' });
      await waitFor(() => times.length === 3, undefined, 'third attempt');
      const [t1, t2, t3] = times as [number, number, number];
      expect(t2 - t1).toBeGreaterThanOrEqual(95);
      expect(t3 - t2).toBeGreaterThanOrEqual(195);
      expect(errors).toEqual(['FLAKY:try 1', 'FLAKY:try 2']);
      await waitFor(async () => depth(await broker.stats(), topic, 'g') === 0, undefined, 'ack');
    });

    it('redelivers after the retryAfterMs a handler throws instead of the backoff', async () => {
      const broker = await open();
      const times: number[] = [];
      await broker.consume(
        topic,
        'g',
        async (d) => {
          times.push(Date.now());
          if (d.attempt === 1) throw Object.assign(new Error('busy elsewhere'), { code: 'BUSY', retryAfterMs: 250 });
        },
        { backoff: { initialMs: 5_000, jitter: 0 } },
      );
      await broker.publish(topic, { payload: 'x' });
      await waitFor(() => times.length === 2, undefined, 'second attempt');
      const [t1, t2] = times as [number, number];
      expect(t2 - t1).toBeGreaterThanOrEqual(245);
      expect(t2 - t1).toBeLessThan(4_000);
    });

    it('redelivers a message its handler defers without using up an attempt, then counts failures from there', async () => {
      const broker = await open();
      const attempts: number[] = [];
      await broker.consume(
        topic,
        'g',
        async (d) => {
          attempts.push(d.attempt);
          // Four times "not yet" (more than maxAttempts), then a real failure, then success.
          if (attempts.length <= 4) throw Object.assign(new Error('held elsewhere'), { code: 'IN_PROGRESS', deferMs: 5 });
          if (attempts.length === 5) throw Object.assign(new Error('down'), { code: 'BACKEND_DOWN' });
        },
        { maxAttempts: 2, ...fast },
      );
      await broker.publish(topic, { payload: 'x' });
      await waitFor(() => attempts.length === 6, undefined, 'the delivery after the failure');
      await waitFor(async () => depth(await broker.stats(), topic, 'g') === 0, undefined, 'ack');
      expect(attempts).toEqual([1, 1, 1, 1, 1, 2]);
      expect(await broker.listDeadLetters(topic)).toEqual([]);
    });

    it('dead-letters after maxAttempts with the last error, and replays on request', async () => {
      const broker = await open();
      let healthy = false;
      const attempts: number[] = [];
      await broker.consume(
        topic,
        'g',
        async (d) => {
          attempts.push(d.attempt);
          if (!healthy) throw Object.assign(new Error(`down (attempt ${d.attempt})`), { code: 'BACKEND_DOWN' });
        },
        { maxAttempts: 3, ...fast },
      );
      await broker.publish(topic, { payload: { order: 7 }, orderingKey: 'c', id: 'm-dead' });
      await waitFor(async () => (await broker.listDeadLetters(topic)).length === 1, undefined, 'dead letter');
      const [letter] = await broker.listDeadLetters(topic);
      expect(letter).toMatchObject({ topic, group: 'g', messageId: 'm-dead', payload: { order: 7 }, orderingKey: 'c', attempts: 3 });
      expect(letter?.error).toEqual({ code: 'BACKEND_DOWN', message: 'down (attempt 3)', nonRetryable: false });
      expect(attempts).toEqual([1, 2, 3]);
      const stats = await broker.stats();
      expect(stats.find((s) => s.topic === topic)).toMatchObject({
        deadLetters: 1,
        groups: [{ group: 'g', ready: 0, inFlight: 0, retrying: 0, deadLetters: 1 }],
      });
      expect(await broker.listDeadLetters('no-such-topic')).toEqual([]);

      healthy = true;
      expect(await broker.replayDeadLetter('999999')).toBe(0);
      expect(await broker.replayDeadLetter(letter?.id ?? '')).toBe(1);
      await waitFor(() => attempts.length === 4, undefined, 'replayed delivery');
      expect(attempts[3]).toBe(1);
      expect(await broker.listDeadLetters()).toEqual([]);
    });

    it('dead-letters a non-retryable failure at once, and replays all', async () => {
      const broker = await open();
      let calls = 0;
      await broker.consume(
        topic,
        'g',
        async () => {
          calls++;
          if (calls <= 2) throw Object.assign(new Error('bad input'), { code: 'CONTRACT_INVALID', nonRetryable: true });
        },
        fast,
      );
      await broker.publishBatch(topic, [{ payload: 1 }, { payload: 2 }]);
      await waitFor(async () => (await broker.listDeadLetters(topic)).length === 2, undefined, 'dead letters');
      expect((await broker.listDeadLetters(topic)).map((l) => [l.attempts, l.error.code, l.error.nonRetryable])).toEqual([
        [1, 'CONTRACT_INVALID', true],
        [1, 'CONTRACT_INVALID', true],
      ]);
      expect(await broker.replayDeadLetter('all')).toBe(2);
      await waitFor(() => calls === 4, undefined, 'replays');
      await waitFor(async () => depth(await broker.stats(), topic, 'g') === 0, undefined, 'acks');
    });

    it('redelivers to another consumer when a lease expires, and ignores the late ack of the first', async () => {
      const [a, b] = [await open(), await open()];
      let releaseA: () => void = () => {};
      const hangA = new Promise<void>((resolve) => (releaseA = resolve));
      const seenA: number[] = [];
      const seenB: number[] = [];
      await a.consume(
        topic,
        'g',
        async (d) => {
          seenA.push(d.attempt);
          await hangA;
        },
        // One slot, held by the hung handler: like a crashed process, A takes nothing more.
        { leaseMs: 300, concurrency: 1 },
      );
      await a.publish(topic, { payload: 'job' });
      await waitFor(() => seenA.length === 1, undefined, 'first delivery');
      await b.consume(topic, 'g', async (d) => void seenB.push(d.attempt), { leaseMs: 300 });
      await waitFor(() => seenB.length === 1, undefined, 'redelivery after lease expiry');
      expect(seenB).toEqual([2]);
      releaseA();
      await waitFor(async () => depth(await b.stats(), topic, 'g') === 0, undefined, 'ack by b');
      await sleep(400);
      expect(seenA).toEqual([1]);
      expect(seenB).toEqual([2]);
    });

    it('publishes on ack only: nothing when the handler throws or its lease was lost, once when it acks', async () => {
      const [a, b] = [await open(), await open()];
      const out = `${topic}-out`;
      const forwarded: unknown[] = [];
      await b.consume(out, 'sink', async (d) => void forwarded.push(d.payload));
      let releaseHung: () => void = () => {};
      const hung = new Promise<void>((resolve) => (releaseHung = resolve));
      // Both members of the group run the same handler, so whichever takes a message, the outcome is the same.
      const handler = async (d: Delivery) => {
        d.publishOnAck(out, { payload: { from: d.payload, attempt: d.attempt }, orderingKey: 'c-1' });
        if (d.payload === 'fails-once' && d.attempt === 1) throw new Error('first try fails after publishing on ack');
        // Held past its lease: another delivery takes the message, so this late ack (and its output) must not count.
        if (d.payload === 'hangs' && d.attempt === 1) await hung;
      };
      const options = { leaseMs: 300, backoff: { initialMs: 10, maxMs: 10, jitter: 0 } };
      await a.consume(topic, 'g', handler, options);
      await b.consume(topic, 'g', handler, options);
      await a.publish(topic, { payload: 'ok' });
      await a.publish(topic, { payload: 'fails-once' });
      await a.publish(topic, { payload: 'hangs' });
      await waitFor(() => forwarded.length === 3, undefined, 'three forwarded messages');
      releaseHung();
      await sleep(400);
      const byInput = (from: string) => forwarded.filter((p) => (p as { from: string }).from === from);
      expect(byInput('ok')).toHaveLength(1);
      expect(byInput('fails-once')).toEqual([{ from: 'fails-once', attempt: 2 }]);
      expect(byInput('hangs')).toEqual([{ from: 'hangs', attempt: 2 }]);
      await waitFor(async () => depth(await a.stats(), topic, 'g') === 0, undefined, 'all acked');
    });

    it('refuses publishOnAck outside a work queue and for a payload that cannot be stored', async () => {
      const broker = await open();
      const errors: string[] = [];
      await broker.subscribe(topic, (d) => {
        try {
          d.publishOnAck(`${topic}-x`, { payload: 1 });
        } catch (error) {
          errors.push((error as { code: string }).code);
        }
      });
      await broker.consume(topic, 'g', async (d) => {
        try {
          d.publishOnAck(`${topic}-x`, { payload: 1n });
        } catch (error) {
          errors.push((error as { code: string }).code);
        }
      });
      await broker.publish(topic, { payload: 'x' });
      await waitFor(() => errors.length === 2, undefined, 'both refusals');
      expect(errors.sort()).toEqual(['BROKER_INVALID_ARGUMENT', 'BROKER_PAYLOAD_NOT_JSON']);
    });

    it('extends a lease for a long handler', async () => {
      const [a, b] = [await open(), await open()];
      const seen: string[] = [];
      await a.consume(
        topic,
        'g',
        async (d) => {
          seen.push('a');
          for (let i = 0; i < 6; i++) {
            await sleep(100);
            expect(await d.extendLease(250)).toBe(true);
          }
        },
        { leaseMs: 250 },
      );
      await b.consume(topic, 'g', async () => void seen.push('b'), { leaseMs: 250 });
      await a.publish(topic, { payload: 1 });
      await waitFor(async () => seen.length > 0 && depth(await a.stats(), topic, 'g') === 0, undefined, 'ack');
      expect(seen).toEqual(['a']);
    });

    it('fans out every message published after subscribing to every subscriber, in order', async () => {
      const [a, b] = [await open(), await open()];
      await a.publish(topic, { payload: 'before' });
      const seenA: unknown[] = [];
      const seenB: unknown[] = [];
      await a.subscribe(topic, (d) => void seenA.push(d.payload));
      await b.subscribe(topic, async (d) => {
        seenB.push(d.payload);
        if (d.payload === 2) throw new Error('subscriber bug');
      });
      const other: unknown[] = [];
      await b.subscribe(`${topic}-other`, (d) => void other.push(d.payload));
      for (let i = 0; i < 5; i++) await (i % 2 ? a : b).publish(topic, { payload: i });
      await waitFor(() => seenA.length === 5 && seenB.length === 5, undefined, 'fan-out');
      expect(seenA).toEqual([0, 1, 2, 3, 4]);
      expect(seenB).toEqual([0, 1, 2, 3, 4]);
      expect(other).toEqual([]);
    });

    it('handles one ordering key at a time, in publish order, while other keys run in parallel', async () => {
      const [a, b] = [await open(), await open()];
      const keys = ['c1', 'c2', 'c3', 'c4'];
      const handled = new Map<string, number[]>(keys.map((k) => [k, []]));
      const running = new Set<string>();
      let overlap = 0;
      let maxParallel = 0;
      const handler = async (d: Delivery) => {
        const key = d.orderingKey as string;
        if (running.has(key)) overlap++;
        running.add(key);
        maxParallel = Math.max(maxParallel, running.size);
        await sleep(Math.random() * 4);
        handled.get(key)?.push(d.payload as number);
        running.delete(key);
      };
      await a.consume(topic, 'g', handler, { concurrency: 8 });
      await b.consume(topic, 'g', handler, { concurrency: 8 });
      const messages = Array.from({ length: 100 }, (_, i) => ({ payload: i, orderingKey: keys[i % keys.length] as string }));
      await a.publishBatch(topic, messages.slice(0, 50));
      await Promise.all(messages.slice(50).map((m) => b.publish(topic, m)));
      await waitFor(() => [...handled.values()].every((list) => list.length === 25), undefined, 'all keys');
      for (const [key, list] of handled) {
        expect(list).toEqual(messages.filter((m) => m.orderingKey === key).map((m) => m.payload));
      }
      expect(overlap).toBe(0);
      expect(maxParallel).toBeGreaterThan(1);
    });

    it('holds back the rest of a conversation while its head waits for a retry', async () => {
      const broker = await open();
      const order: string[] = [];
      await broker.consume(
        topic,
        'g',
        async (d) => {
          order.push(`${d.payload}#${d.attempt}`);
          if (d.payload === 'a' && d.attempt === 1) throw new Error('retry me');
        },
        { concurrency: 4, backoff: { initialMs: 150, jitter: 0 } },
      );
      await broker.publishBatch(topic, [
        { payload: 'a', orderingKey: 'k' },
        { payload: 'b', orderingKey: 'k' },
        { payload: 'z', orderingKey: 'other' },
      ]);
      await waitFor(() => order.length === 4, undefined, 'all');
      expect(order.filter((o) => !o.startsWith('z'))).toEqual(['a#1', 'a#2', 'b#1']);
      expect(order.indexOf('z#1')).toBeLessThan(order.indexOf('a#2'));
    });

    it('drains running handlers on close, so their messages are acked and not redelivered', async () => {
      const a = await open();
      const started: number[] = [];
      const finished: number[] = [];
      await a.consume(
        topic,
        'g',
        async (d) => {
          started.push(d.payload as number);
          await sleep(200);
          finished.push(d.payload as number);
        },
        { concurrency: 4 },
      );
      await a.publishBatch(topic, [{ payload: 1 }, { payload: 2 }]);
      await waitFor(() => started.length === 2, undefined, 'start');
      await a.close({ timeoutMs: 5000 });
      expect(finished.sort()).toEqual([1, 2]);
      const b = await open();
      const again: unknown[] = [];
      await b.consume(topic, 'g', async (d) => void again.push(d.payload), { leaseMs: 100 });
      await sleep(400);
      expect(again).toEqual([]);
      await expect(a.publish(topic, { payload: 3 })).rejects.toMatchObject({ code: 'BROKER_CLOSED' });
    });

    it('aborts handlers that outlive the drain timeout and redelivers their messages', async () => {
      const a = await open();
      let aborted = false;
      await a.consume(
        topic,
        'g',
        (d) =>
          new Promise<void>((resolve) => {
            d.signal.addEventListener('abort', () => {
              aborted = true;
              resolve();
            });
          }),
        { leaseMs: 200 },
      );
      await a.publish(topic, { payload: 'stuck' });
      await sleep(50);
      await a.close({ timeoutMs: 100 });
      expect(aborted).toBe(true);
      const b = await open();
      const seen: number[] = [];
      await b.consume(topic, 'g', async (d) => void seen.push(d.attempt), { leaseMs: 200 });
      await waitFor(() => seen.length === 1, undefined, 'redelivery');
      expect(seen).toEqual([2]);
    });

    it('rejects bad names and options with BROKER_INVALID_ARGUMENT', async () => {
      const broker = await open();
      await expect(broker.publish('bad topic', { payload: 1 })).rejects.toMatchObject({ code: 'BROKER_INVALID_ARGUMENT', nonRetryable: true });
      await expect(broker.consume(topic, 'g', async () => {}, { concurrency: 0 })).rejects.toMatchObject({ code: 'BROKER_INVALID_ARGUMENT' });
      await expect(broker.publish(topic, { payload: 10n })).rejects.toMatchObject({ code: 'BROKER_PAYLOAD_NOT_JSON' });
    });

    it('property: no message is lost and each key is acked in publish order, whatever fails', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c', undefined), failures: fc.nat({ max: 2 }) }), { minLength: 1, maxLength: 40 }),
          fc.integer({ min: 1, max: 6 }),
          async (plan, concurrency) => {
            const local = `${topic}-p${Math.random().toString(36).slice(2, 8)}`;
            const [a, b] = [await open(), await open()];
            const acked: number[] = [];
            const handler = async (d: Delivery) => {
              const index = d.payload as number;
              await sleep(Math.random() * 2);
              if (d.attempt <= (plan[index]?.failures ?? 0)) throw new Error('planned failure');
              acked.push(index);
            };
            const options = { concurrency, maxAttempts: 10, backoff: { initialMs: 1, maxMs: 5, jitter: 0 } };
            const subs: Subscription[] = [await a.consume(local, 'g', handler, options), await b.consume(local, 'g', handler, options)];
            await a.publishBatch(
              local,
              plan.map((step, i) => ({ payload: i, ...(step.key && { orderingKey: step.key }) })),
            );
            await waitFor(() => new Set(acked).size === plan.length, 15_000, 'every message acked');
            await Promise.all(subs.map((s) => s.close()));
            expect(await a.listDeadLetters(local)).toEqual([]);
            await Promise.all([a.close(), b.close()]);
            for (const key of ['a', 'b', 'c']) {
              const expected = plan.flatMap((step, i) => (step.key === key ? [i] : []));
              expect(acked.filter((i) => plan[i]?.key === key)).toEqual(expected);
            }
          },
        ),
        { numRuns: 15 },
      );
    });
  });
}

function depth(stats: Awaited<ReturnType<Broker['stats']>>, topic: string, group: string): number {
  const g = stats.find((s) => s.topic === topic)?.groups.find((x) => x.group === group);
  return g ? g.ready + g.inFlight + g.retrying : 0;
}
