// Identifiers: fresh ones for messages, traces and spans; the conversation of a user who names none.
//
// Message and trace ids start with the time in milliseconds (UUID v7 layout, RFC 9562): rows keyed by them are
// appended at the right edge of the store's B-trees instead of landing on random pages, so a commit rewrites a
// few pages rather than one per row (bench/pipeline; docs/benchmarks.md). The rest is random.
import { createHash, randomFillSync } from 'node:crypto';

// Random bytes are drawn in blocks, as node:crypto's randomUUID does: one call into OpenSSL per 512 ids, not per id.
const POOL_BYTES = 8 * 1024;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

function random(bytes: number): Buffer {
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const slice = pool.subarray(offset, offset + bytes);
  offset += bytes;
  return slice;
}

/** 16 bytes: a 48-bit millisecond timestamp, then 80 random bits. */
function timeOrdered(): Buffer {
  const bytes = Buffer.allocUnsafe(16);
  random(16).copy(bytes);
  bytes.writeUIntBE(Date.now(), 0, 6);
  return bytes;
}

/** A new message id: a UUID v7 (time-ordered, RFC 9562). */
export function newMessageId(): string {
  const bytes = timeOrdered();
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  return formatUuid(bytes);
}

/** A new W3C trace id (32 hex digits, never all zero), time-ordered like message ids. */
export function newTraceId(): string {
  return timeOrdered().toString('hex');
}

/** A new W3C span id (16 hex digits). */
export function newSpanId(): string {
  const hex = random(8).toString('hex');
  // All zeros is the W3C "invalid" id; with 64 random bits this never happens in practice, but it must not.
  return hex === '0000000000000000' ? '0000000000000001' : hex;
}

/** The tenant and channel of an input that names none. */
export const DEFAULT_TENANT = 'default';
export const DEFAULT_CHANNEL = 'api';

/**
 * The conversation of a user on a channel, for an input that names none: a UUID (v8 layout, RFC 9562) drawn from
 * a hash of tenant, channel and user, so the same user's next message continues the conversation (as Rasa keys
 * its trackers on the sender) and two tenants' users never share one. Its context still expires when idle.
 */
export function userConversationId(tenant: string, channel: string, user: string): string {
  const bytes = createHash('sha256')
    .update(JSON.stringify([tenant, channel, user]))
    .digest()
    .subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  return formatUuid(bytes);
}

/** 16 bytes in the 8-4-4-4-12 hex form. */
function formatUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
