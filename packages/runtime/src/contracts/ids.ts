// Fresh identifiers for messages, traces and spans.
import { randomBytes, randomUUID } from 'node:crypto';

/** A new message id (UUID v4). */
export function newMessageId(): string {
  return randomUUID();
}

/** A new W3C trace id (32 hex digits). */
export function newTraceId(): string {
  return randomBytes(16).toString('hex');
}

/** A new W3C span id (16 hex digits). */
export function newSpanId(): string {
  return randomBytes(8).toString('hex');
}
