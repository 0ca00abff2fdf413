// Contracts: the zod schemas of everything that crosses a process boundary, and their codec.
export { type ActionResult, ActionResultSchema } from './action-result.ts';
export { type Clarification, ClarificationSchema } from './clarification.ts';
export { type CodecResult, ContractError, type ContractErrorCode, decode, encode } from './codec.ts';
export { CONTRACT_VERSION, SpanIdSchema, TraceIdSchema } from './envelope.ts';
export { type ErrorData, ErrorDataSchema, toErrorData } from './error-data.ts';
export { newMessageId, newSpanId, newTraceId } from './ids.ts';
export { type InputReceived, InputReceivedSchema } from './input-received.ts';
export { type IntentRecognized, IntentRecognizedSchema } from './intent-recognized.ts';
export { type BotMessage, BotMessageSchema, type ReplyMessage, ReplyMessageSchema } from './messages.ts';
export { type Span, SpanSchema } from './span.ts';
