// The OpenAI chat-completions wire format, as far as the gateway reads it: requests are validated loosely and passed on.
import { z } from 'zod';

const ContentPartSchema = z.looseObject({ type: z.string() });

/** A chat message; content is a string or OpenAI's content parts. Other fields (tool_calls, name…) pass through. */
export const ChatMessageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(ContentPartSchema), z.null()]).optional(),
});

/** `POST /chat/completions`: the fields the gateway needs; the rest goes to the provider unchanged. */
export const ChatRequestSchema = z.looseObject({
  model: z.string().min(1).max(200),
  messages: z.array(ChatMessageSchema).min(1).max(10_000),
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
});

export type ChatMessage = z.infer<typeof ChatMessageSchema>;
export type ChatRequest = z.infer<typeof ChatRequestSchema>;

/** The provider's `usage` object (OpenAI's names). */
export interface WireUsage {
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
  total_tokens?: unknown;
  prompt_tokens_details?: { cached_tokens?: unknown } | null;
  /** Prompt tokens written to the provider's cache (Anthropic's), part of `prompt_tokens`; the name LiteLLM uses too. */
  cache_creation_input_tokens?: unknown;
}

/** A non-streaming answer. */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: { role: 'assistant'; content: string | null; tool_calls?: unknown[]; [k: string]: unknown };
    finish_reason: string | null;
    [k: string]: unknown;
  }>;
  usage?: WireUsage | null;
  [k: string]: unknown;
}

/** One streamed chunk. The last one carries `usage` and no choices when `stream_options.include_usage` is set. */
export interface ChatChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: { role?: string; content?: string | null; tool_calls?: unknown[]; [k: string]: unknown };
    finish_reason: string | null;
    [k: string]: unknown;
  }>;
  usage?: WireUsage | null;
  [k: string]: unknown;
}

/** The text of a message's content: the string, or its text parts joined. */
export function contentText(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : '')).join('');
}

/** Whether `value` looks like a chat completion (an object with a `choices` array). */
export function isChatCompletion(value: unknown): value is ChatCompletion {
  return typeof value === 'object' && value !== null && Array.isArray((value as { choices?: unknown }).choices);
}
