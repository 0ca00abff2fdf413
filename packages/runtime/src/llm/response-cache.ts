// The exact-match response cache: identical normalised requests are answered from memory, without an upstream call.
import { createHash } from 'node:crypto';
import type { ChatCompletion, ChatRequest } from './wire.ts';

/** Fields that change how an answer is delivered or attributed, not what it says. */
const IGNORED = new Set(['stream', 'stream_options', 'user', 'metadata', 'store']);

/** A stable hash of what determines the answer: every other field, with object keys sorted. */
export function cacheKeyOf(request: ChatRequest): string {
  const normalised = Object.fromEntries(Object.entries(request).filter(([key, value]) => !IGNORED.has(key) && value !== undefined && value !== null));
  return createHash('sha256').update(stableJson(normalised)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface ResponseCache {
  get(key: string): ChatCompletion | undefined;
  set(key: string, completion: ChatCompletion): void;
}

/** An LRU of answers that expire `ttlMs` after they were stored. */
export function createResponseCache(options: { ttlMs: number; maxEntries: number }, now: () => number = Date.now): ResponseCache {
  const entries = new Map<string, { completion: ChatCompletion; expiresAt: number }>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      if (entry.expiresAt <= now()) return undefined;
      entries.set(key, entry);
      return entry.completion;
    },
    set(key, completion) {
      entries.delete(key);
      entries.set(key, { completion, expiresAt: now() + options.ttlMs });
      while (entries.size > options.maxEntries) entries.delete(entries.keys().next().value as string);
    },
  };
}
