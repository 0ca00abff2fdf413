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
    ...(message.status === 'failed' && { error: { code: message.error.code, message: message.error.message } }),
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
    ...(record.error && { error: { code: record.error.code, message: record.error.message } }),
  };
}
