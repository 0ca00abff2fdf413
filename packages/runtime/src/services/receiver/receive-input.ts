// Turns one normalised input into an InputReceived: de-duplicated on its idempotency key, recorded, published to `inputs`.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Broker } from '../../broker/types.ts';
import { encode } from '../../contracts/codec.ts';
import { newMessageId } from '../../contracts/ids.ts';
import { InputReceivedSchema } from '../../contracts/input-received.ts';
import type { Store } from '../../store/types.ts';
import { HttpError } from '../http/errors.ts';
import { formatTraceparent } from '../http/traceparent.ts';
import { TOPICS } from '../topics.ts';
import type { NormalisedInput } from './input-schema.ts';

/** The receiver's answer: the message's identity, and whether it repeats an earlier input's idempotency key. */
export interface Accepted {
  id: string;
  traceId: string;
  conversationId: string;
  duplicate: boolean;
}

/** The trace this hop belongs to: the receiver's own span, under the caller's span when there is one. */
export interface HopTrace {
  traceId: string;
  spanId: string;
}

// A concurrent request holding the same key normally finishes within milliseconds; past this, tell the client to retry.
const IN_PROGRESS_WAIT_MS = 2_000;
const IN_PROGRESS_POLL_MS = 10;

export async function receiveInput(broker: Broker, store: Store, input: NormalisedInput, trace: HopTrace): Promise<Accepted> {
  const key = input.idempotencyKey === undefined ? undefined : `input:${input.tenant}:${input.idempotencyKey}`;
  if (key) {
    const first = await claimKey(store, key);
    if (first) return { ...first, duplicate: true };
  }
  const accepted: Accepted = {
    id: input.id ?? newMessageId(),
    traceId: trace.traceId,
    conversationId: input.conversationId ?? newMessageId(),
    duplicate: false,
  };
  try {
    const message = encode(InputReceivedSchema, {
      v: 1,
      type: 'input.received',
      id: accepted.id,
      traceId: accepted.traceId,
      conversationId: accepted.conversationId,
      tenant: input.tenant,
      user: input.user,
      channel: input.channel,
      text: input.text,
      ...(input.data && { data: input.data }),
      ...(input.idempotencyKey && { idempotencyKey: input.idempotencyKey }),
      receivedAt: Date.now(),
    });
    if (!message.ok) throw new HttpError('INVALID_REQUEST', message.error.message, message.error.details);
    // The status is written before publishing so that nlp's later update is never overwritten by `received`.
    await store.putMessage({ id: accepted.id, conversationId: accepted.conversationId, traceId: accepted.traceId, tenant: input.tenant, status: 'received' });
    await broker.publish(TOPICS.inputs, {
      payload: message.value,
      id: accepted.id,
      orderingKey: accepted.conversationId,
      headers: { traceparent: formatTraceparent(trace.traceId, trace.spanId) },
    });
    if (key) await store.complete(key, { id: accepted.id, traceId: accepted.traceId, conversationId: accepted.conversationId });
    return accepted;
  } catch (error) {
    if (key) await store.release(key).catch(() => undefined);
    throw error;
  }
}

/** Claims the key; resolves undefined when this request is the first, else the first request's identity. */
async function claimKey(store: Store, key: string): Promise<Omit<Accepted, 'duplicate'> | undefined> {
  const deadline = Date.now() + IN_PROGRESS_WAIT_MS;
  for (;;) {
    const claim = await store.claim(key);
    if (claim.status === 'first') return undefined;
    if (claim.state === 'completed') return claim.result as Omit<Accepted, 'duplicate'>;
    if (Date.now() >= deadline) {
      throw new HttpError('IDEMPOTENCY_KEY_IN_USE', 'another request with this idempotencyKey is still being processed; retry in a moment');
    }
    await sleep(IN_PROGRESS_POLL_MS);
  }
}
