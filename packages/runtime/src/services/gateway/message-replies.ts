// Shapes what the bot answered (a reply message, or a stored record) into the gateway's MessageReply body.
import type { ReplyMessage } from '../../contracts/messages.ts';
import type { MessageRecord } from '../../store/types.ts';
import type { MessageReply } from './api-schemas.ts';

type Ids = Pick<MessageReply, 'id' | 'traceId' | 'conversationId'>;

/** The 200 body for a reply that came on `results`. */
export function replyFromMessage(ids: Ids, message: ReplyMessage): MessageReply {
  if (message.type === 'clarification') return { ...ids, status: 'clarifying', intent: message.intent, reply: message.text, ask: message.ask };
  return {
    ...ids,
    status: message.status === 'ok' ? 'completed' : 'failed',
    intent: message.intent,
    reply: message.reply,
    ...(message.data && { data: message.data }),
    ...(message.status === 'failed' && { error: publicError(message.error.code, ids.traceId) }),
  };
}

/** The 200 body from a stored record once the message is settled (completed, failed or clarifying); else undefined. */
export function replyFromRecord(ids: Ids, record: MessageRecord | undefined): MessageReply | undefined {
  if (!record || (record.status !== 'completed' && record.status !== 'failed' && record.status !== 'clarifying')) return undefined;
  return {
    ...ids,
    status: record.status,
    ...(record.intent && { intent: record.intent }),
    ...(record.reply !== undefined && { reply: record.reply }),
    ...(record.data && { data: record.data }),
    ...(record.error && { error: publicError(record.error.code, ids.traceId) }),
  };
}

const FAILURES: Record<string, string> = {
  ACTION_FAILED: 'the action failed',
  ACTION_TIMEOUT: 'the action did not finish within its timeout',
  ACTION_UNAVAILABLE: 'the action is paused after repeated failures (its circuit breaker is open)',
  ENTITIES_INVALID: "the entities do not fit the intent's schema in the executor's version of the project",
};

/**
 * A failure as an API client sees it: its code, and where the rest is. What an action threw can name hosts, queries
 * or customers' data, and a channel may show the body to its user, so the message itself stays in the trace's span
 * and the executor's log.
 */
export function publicError(code: string, traceId: string): { code: string; message: string } {
  return { code, message: `${FAILURES[code] ?? 'the message could not be handled'}; the details are in its trace (bot traces ${traceId})` };
}
