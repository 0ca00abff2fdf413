// A message as the SQLite adapter stores it: a checked topic and a payload serialised once, before any transaction.
import { randomUUID } from 'node:crypto';
import type { NewMessage } from './sqlite-queue.ts';
import { BrokerError, type BrokerMessageInput } from './types.ts';

const TOPIC = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export function checkTopic(name: string, what = 'topic'): void {
  if (!TOPIC.test(name)) throw new BrokerError('BROKER_INVALID_ARGUMENT', `${what} "${name}" is invalid: use letters, digits, ".", "_" or "-" (at most 200)`);
}

export function serialise(topic: string, message: BrokerMessageInput): NewMessage {
  let payload: string | undefined;
  try {
    payload = JSON.stringify(message.payload);
  } catch (error) {
    throw new BrokerError('BROKER_PAYLOAD_NOT_JSON', `payload for "${topic}" is not JSON-serialisable: ${(error as Error).message}`);
  }
  if (payload === undefined)
    throw new BrokerError('BROKER_PAYLOAD_NOT_JSON', `payload for "${topic}" is not JSON-serialisable (got ${typeof message.payload})`);
  let headers: string | null = null;
  try {
    if (message.headers && Object.keys(message.headers).length > 0) headers = JSON.stringify(message.headers);
  } catch (error) {
    throw new BrokerError('BROKER_PAYLOAD_NOT_JSON', `headers for "${topic}" are not JSON-serialisable: ${(error as Error).message}`);
  }
  return { id: message.id ?? randomUUID(), okey: message.orderingKey ?? null, headers, payload };
}
