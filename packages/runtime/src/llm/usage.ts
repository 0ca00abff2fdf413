// Token usage: taken from the provider's `usage` when it is sound, otherwise counted with a tokenizer and marked estimated.
import { type ChatMessage, contentText, type WireUsage } from './wire.ts';

/** Tokens of one call. `estimated`: counted by the gateway because the provider reported none (or nonsense). */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  estimated: boolean;
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** The provider's usage, or undefined when it is missing or does not add up (negative, not integers, no output for a non-empty answer). */
export function usageFromWire(usage: WireUsage | null | undefined, outputText: string): Usage | undefined {
  if (!usage || !isCount(usage.prompt_tokens) || !isCount(usage.completion_tokens)) return undefined;
  if (usage.completion_tokens === 0 && outputText.length > 0) return undefined;
  const cached = usage.prompt_tokens_details?.cached_tokens;
  return {
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens,
    cachedTokens: isCount(cached) ? Math.min(cached, usage.prompt_tokens) : 0,
    estimated: false,
  };
}

type CountTokens = (text: string) => number;
let tokenizer: Promise<CountTokens> | undefined;

/** The o200k tokenizer (GPT-4o's), loaded on first use: its tables are megabytes and most calls report usage. */
function loadTokenizer(): Promise<CountTokens> {
  tokenizer ??= import('gpt-tokenizer').then((module) => module.countTokens);
  return tokenizer;
}

/** Tokens in `text`; close enough for non-OpenAI models to budget and price. */
export async function countTextTokens(text: string): Promise<number> {
  return text ? (await loadTokenizer())(text) : 0;
}

/** Prompt tokens of `messages` the way OpenAI counts them: each message's text plus 3 tokens of framing, plus 3 to prime the answer. */
export async function estimateInputTokens(messages: readonly ChatMessage[]): Promise<number> {
  const count = await loadTokenizer();
  return messages.reduce((sum, message) => sum + count(contentText(message.content)) + 3, 3);
}

/** Usage counted by the gateway: the request's messages in, `outputText` out. */
export async function estimateUsage(messages: readonly ChatMessage[], outputText: string): Promise<Usage> {
  return { inputTokens: await estimateInputTokens(messages), outputTokens: await countTextTokens(outputText), cachedTokens: 0, estimated: true };
}

/**
 * What a model wrote in tool calls (each call's name and arguments, or a streamed delta's pieces of them), to count
 * with its text when the provider reports no usage: the same for an answer and for the stream of the same answer.
 */
export function toolCallsText(calls: unknown[] | undefined): string {
  if (!Array.isArray(calls)) return '';
  return calls
    .map((call) => {
      const fn = (call as { function?: { name?: unknown; arguments?: unknown } } | null)?.function;
      return `${typeof fn?.name === 'string' ? fn.name : ''}${typeof fn?.arguments === 'string' ? fn.arguments : ''}`;
    })
    .join('');
}
