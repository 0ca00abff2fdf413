// Turns one normalised input into an InputReceived: de-duplicated on its idempotency key, recorded, published to `inputs`.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Broker } from '../../broker/types.ts';
import { encode } from '../../contracts/codec.ts';
import { newMessageId, userConversationId } from '../../contracts/ids.ts';
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
// A claim that old was left by a receiver that died before recording the message's identity: nothing was
// published under it, so a retry may take it over.
const CLAIM_STALE_MS = 5_000;

/** What the ledger keeps for an idempotency key: the message's identity, and whether it reached the broker. */
interface KeyRecord {
  id: string;
  traceId: string;
  conversationId: string;
  published: boolean;
  /** When the identity was recorded: a request still publishing is waited for, not published over. */
  recordedAt: number;
}

export async function receiveInput(
  broker: Broker,
  store: Store,
  input: NormalisedInput,
  trace: HopTrace,
  onStatusError?: (error: unknown) => void,
): Promise<Accepted> {
  const key = input.idempotencyKey === undefined ? undefined : `input:${input.tenant}:${input.idempotencyKey}`;
  const claim = key ? await claimKey(store, key) : undefined;
  const earlier = claim?.first === false ? claim.record : undefined;
  if (earlier?.published) return { id: earlier.id, traceId: earlier.traceId, conversationId: earlier.conversationId, duplicate: true };
  // An earlier request recorded the identity but may have died before publishing: publish it again under
  // the same id. nlp and the executor de-duplicate on the input id, so a second copy has no second effect.
  const accepted: Accepted = earlier
    ? { id: earlier.id, traceId: earlier.traceId, conversationId: earlier.conversationId, duplicate: true }
    : {
        id: input.id ?? newMessageId(),
        traceId: trace.traceId,
        conversationId: input.conversationId ?? userConversationId(input.tenant, input.channel, input.user),
        duplicate: false,
      };
  const identity = { id: accepted.id, traceId: accepted.traceId, conversationId: accepted.conversationId };
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
    if (key && !earlier) await store.complete(key, { ...identity, published: false, recordedAt: Date.now() } satisfies KeyRecord);
    // Publish and status go out together (one commit each, in the same tick): the store never lets `received`
    // replace a later status, so nlp's update may land first. The publish is queued first, so its commit (and
    // nlp's wake-up) does not wait for the status's. Not when republishing: the record exists.
    const published = broker.publish(TOPICS.inputs, {
      payload: message.value,
      id: accepted.id,
      orderingKey: accepted.conversationId,
      headers: { traceparent: formatTraceparent(trace.traceId, trace.spanId) },
    });
    const status = earlier
      ? undefined
      : store.putMessage({ id: accepted.id, conversationId: accepted.conversationId, traceId: accepted.traceId, tenant: input.tenant, status: 'received' });
    // The publish decides the answer: once it has committed the message is on its way, and a failed status write
    // (nlp and the executor write later ones) must not make the client retry and send it twice.
    const [statusWrite, publishing] = await Promise.allSettled([status, published]);
    if (publishing.status === 'rejected') throw publishing.reason;
    if (statusWrite.status === 'rejected') onStatusError?.(statusWrite.reason);
    if (key) await store.complete(key, { ...identity, published: true, recordedAt: Date.now() } satisfies KeyRecord);
    return accepted;
  } catch (error) {
    if (key && claim?.first) await store.release(key, claim.token).catch(() => undefined);
    throw error;
  }
}

/** Claims the key: this request is the first (with its claim's token), or an earlier request recorded what it sent. */
async function claimKey(store: Store, key: string): Promise<{ first: true; token: string } | { first: false; record: KeyRecord }> {
  const deadline = Date.now() + IN_PROGRESS_WAIT_MS;
  for (;;) {
    const claim = await store.claim(key, { staleAfterMs: CLAIM_STALE_MS });
    if (claim.status === 'first') return { first: true, token: claim.token };
    if (claim.state === 'completed') {
      const record = claim.result as KeyRecord;
      // Publishing takes milliseconds: a record still unpublished after the wait was left by a receiver that died.
      if (record.published || Date.now() - record.recordedAt >= IN_PROGRESS_WAIT_MS) return { first: false, record };
    }
    if (Date.now() >= deadline) {
      throw new HttpError('IDEMPOTENCY_KEY_IN_USE', 'another request with this idempotencyKey is still being processed; retry in a moment');
    }
    await sleep(IN_PROGRESS_POLL_MS);
  }
}
