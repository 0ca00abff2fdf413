// Token usage: taken from the provider's `usage` when it is sound, otherwise counted with a tokenizer and marked estimated.
import { type PromptInput, promptSize } from './prompt-size.ts';
import type { WireUsage } from './wire.ts';

/** Tokens of one call. `estimated`: counted by the gateway because the provider reported none (or nonsense). */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  /** Part of `inputTokens` written to the provider's cache, billed at its own price; left out when none. */
  cacheWriteTokens?: number;
  estimated: boolean;
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** The provider's usage, or undefined when it is missing or does not add up (negative, not integers, no output for a non-empty answer). */
export function usageFromWire(usage: WireUsage | null | undefined, outputText: string): Usage | undefined {
  if (!usage || !isCount(usage.prompt_tokens) || !isCount(usage.completion_tokens)) return undefined;
  if (usage.completion_tokens === 0 && outputText.length > 0) return undefined;
  const cached = isCount(usage.prompt_tokens_details?.cached_tokens) ? Math.min(usage.prompt_tokens_details.cached_tokens, usage.prompt_tokens) : 0;
  const written = isCount(usage.cache_creation_input_tokens) ? Math.min(usage.cache_creation_input_tokens, usage.prompt_tokens - cached) : 0;
  return {
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens,
    cachedTokens: cached,
    ...(written > 0 && { cacheWriteTokens: written }),
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

/**
 * Prompt tokens the way OpenAI counts them: each message's text and tool calls plus 3 tokens of framing, 3 to prime
 * the answer, the tool definitions, and images by GPT-4o's tile formula ({@link promptSize}). PDFs and audio are
 * not counted.
 */
export async function estimateInputTokens(prompt: PromptInput): Promise<number> {
  const count = await loadTokenizer();
  const { messageTexts, toolsText, imageTokens } = promptSize(prompt);
  return messageTexts.reduce((sum, text) => sum + count(text) + 3, 3) + (toolsText ? count(toolsText) : 0) + imageTokens;
}

/** Usage counted by the gateway: the request's prompt in, `outputText` out. */
export async function estimateUsage(prompt: PromptInput, outputText: string): Promise<Usage> {
  return { inputTokens: await estimateInputTokens(prompt), outputTokens: await countTextTokens(outputText), cachedTokens: 0, estimated: true };
}
