// The price table shipped with the runtime: USD per 1M tokens for common OpenAI and Anthropic models, versioned by date.
import type { Price } from './config.ts';

/**
 * Prices as published by OpenAI and Anthropic; Anthropic's cache writes as it lists them for its 5-minute cache (1.25×
 * the input price; Claude 3 Haiku $0.30). Writes to the 1-hour cache (2×) are billed at the same rate: Anthropic's
 * usage reports them apart, this table does not price them apart yet. Override or extend with `llm.prices`.
 */
export const PRICE_TABLE: { version: string; models: Readonly<Record<string, Price>> } = {
  version: '2025-11-26',
  models: {
    'gpt-5': { input: 1.25, output: 10, cachedInput: 0.125 },
    'gpt-5-mini': { input: 0.25, output: 2, cachedInput: 0.025 },
    'gpt-5-nano': { input: 0.05, output: 0.4, cachedInput: 0.005 },
    'gpt-4.1': { input: 2, output: 8, cachedInput: 0.5 },
    'gpt-4.1-mini': { input: 0.4, output: 1.6, cachedInput: 0.1 },
    'gpt-4.1-nano': { input: 0.1, output: 0.4, cachedInput: 0.025 },
    'gpt-4o': { input: 2.5, output: 10, cachedInput: 1.25 },
    'gpt-4o-mini': { input: 0.15, output: 0.6, cachedInput: 0.075 },
    'gpt-4-turbo': { input: 10, output: 30 },
    'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
    o1: { input: 15, output: 60, cachedInput: 7.5 },
    o3: { input: 2, output: 8, cachedInput: 0.5 },
    'o3-mini': { input: 1.1, output: 4.4, cachedInput: 0.55 },
    'o4-mini': { input: 1.1, output: 4.4, cachedInput: 0.275 },
    'claude-opus-4-1': { input: 15, output: 75, cachedInput: 1.5, cacheWriteInput: 18.75 },
    'claude-opus-4': { input: 15, output: 75, cachedInput: 1.5, cacheWriteInput: 18.75 },
    'claude-sonnet-4-5': { input: 3, output: 15, cachedInput: 0.3, cacheWriteInput: 3.75 },
    'claude-sonnet-4': { input: 3, output: 15, cachedInput: 0.3, cacheWriteInput: 3.75 },
    'claude-3-7-sonnet': { input: 3, output: 15, cachedInput: 0.3, cacheWriteInput: 3.75 },
    'claude-3-5-sonnet': { input: 3, output: 15, cachedInput: 0.3, cacheWriteInput: 3.75 },
    'claude-haiku-4-5': { input: 1, output: 5, cachedInput: 0.1, cacheWriteInput: 1.25 },
    'claude-3-5-haiku': { input: 0.8, output: 4, cachedInput: 0.08, cacheWriteInput: 1 },
    'claude-3-haiku': { input: 0.25, output: 1.25, cachedInput: 0.03, cacheWriteInput: 0.3 },
    'claude-3-opus': { input: 15, output: 75, cachedInput: 1.5, cacheWriteInput: 18.75 },
  },
};
