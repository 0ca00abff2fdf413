// What a call costs, from the usage a provider reports: cache reads and writes at their own prices.
import { describe, expect, it } from 'vitest';
import { costOf, findPrice } from './cost.ts';
import { toWireUsage } from './providers/anthropic-translate.ts';
import { usageFromWire } from './usage.ts';

describe('cost of a call', () => {
  it("bills Anthropic's cache writes at 1.25x the input price and cache reads at the cached price", () => {
    const usage = usageFromWire(toWireUsage({ input_tokens: 100, cache_read_input_tokens: 1000, cache_creation_input_tokens: 2000, output_tokens: 50 }), 'hi');
    expect(usage).toEqual({ inputTokens: 3100, outputTokens: 50, cachedTokens: 1000, cacheWriteTokens: 2000, estimated: false });
    // claude-3-5-haiku: $0.80 in, $0.08 cached, $1.00 cache write, $4 out per 1M tokens.
    expect(costOf(usage as NonNullable<typeof usage>, findPrice('claude-3-5-haiku-20241022', {}))).toBeCloseTo(
      (100 * 0.8 + 1000 * 0.08 + 2000 * 1 + 50 * 4) / 1e6,
      12,
    );
  });

  it('bills cache writes at the input price when a price has none, and an overriding price wins', () => {
    const usage = { inputTokens: 1000, outputTokens: 0, cachedTokens: 0, cacheWriteTokens: 400, estimated: false };
    expect(costOf(usage, { input: 1, output: 2 })).toBeCloseTo(1000 / 1e6, 12);
    expect(costOf(usage, findPrice('claude-3-5-haiku', { 'claude-3-5-haiku': { input: 2, output: 2, cacheWriteInput: 5 } }))).toBeCloseTo(
      (600 * 2 + 400 * 5) / 1e6,
      12,
    );
  });

  it('takes no usage that does not add up: no output tokens for a non-empty answer, negative or fractional counts', () => {
    expect(usageFromWire({ prompt_tokens: 10, completion_tokens: 0 }, 'an answer')).toBeUndefined();
    expect(usageFromWire({ prompt_tokens: -1, completion_tokens: 3 }, 'an answer')).toBeUndefined();
    expect(usageFromWire({ prompt_tokens: 10, completion_tokens: 2.5 }, 'an answer')).toBeUndefined();
    expect(usageFromWire({ prompt_tokens: 10, completion_tokens: 0 }, '')).toMatchObject({ inputTokens: 10, outputTokens: 0 });
  });
});
