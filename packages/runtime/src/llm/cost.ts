// What a call cost: its usage times the model's price (config overrides first, then the shipped table).
import type { Price } from './config.ts';
import { PRICE_TABLE } from './price-table.ts';
import type { Usage } from './usage.ts';

/**
 * The price of `model`: an exact entry in `overrides` or the table, else the longest entry that prefixes it at a `-`
 * (so `gpt-4o-mini-2024-07-18` is priced as `gpt-4o-mini`). Undefined for unknown (e.g. local) models.
 */
export function findPrice(model: string, overrides: Readonly<Record<string, Price>>): Price | undefined {
  for (const table of [overrides, PRICE_TABLE.models]) {
    if (table[model]) return table[model];
    const prefix = Object.keys(table)
      .filter((name) => model.startsWith(`${name}-`))
      .sort((a, b) => b.length - a.length)[0];
    if (prefix) return table[prefix];
  }
  return undefined;
}

/** USD for `usage` at `price`; cache reads and cache writes at their own prices where the price has them. Zero when there is no price. */
export function costOf(usage: Usage, price: Price | undefined): number {
  if (!price) return 0;
  const written = usage.cacheWriteTokens ?? 0;
  const fresh = usage.inputTokens - usage.cachedTokens - written;
  const usd =
    (fresh * price.input +
      usage.cachedTokens * (price.cachedInput ?? price.input) +
      written * (price.cacheWriteInput ?? price.input) +
      usage.outputTokens * price.output) /
    1_000_000;
  return Math.round(usd * 1e12) / 1e12;
}
