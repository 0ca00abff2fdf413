import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { BotConfigSchema } from '../define/bot.ts';
import { resolveLlmConfig, routeModel } from './config.ts';
import { costOf, findPrice } from './cost.ts';
import { LLM_ERRORS } from './errors.ts';

const parse = (llm: unknown) => BotConfigSchema.parse({ name: 'b', llm }).llm;

describe('resolveLlmConfig', () => {
  it('defaults to an openai provider that honours OPENAI_API_KEY and OPENAI_BASE_URL', () => {
    const config = resolveLlmConfig(parse(undefined), { OPENAI_API_KEY: 'sk-x', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1/' });
    expect([...config.providers.values()]).toEqual([
      { name: 'openai', kind: 'openai', baseUrl: 'http://127.0.0.1:11434/v1', apiKeyEnv: 'OPENAI_API_KEY', apiKey: 'sk-x' },
    ]);
    expect(config.timeouts).toEqual({ connectMs: 10_000, firstTokenMs: 60_000, totalMs: 600_000 });
    expect(routeModel(config, 'gpt-4o')).toEqual([{ provider: 'openai', model: 'gpt-4o' }]);
  });

  it('routes configured names with fallbacks, "<provider>/<model>" names and claude-* names', () => {
    const config = resolveLlmConfig(
      parse({
        providers: { local: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1' }, claude: { kind: 'anthropic' } },
        models: { fast: { provider: 'local', model: 'llama3.2', fallbacks: ['claude/claude-3-5-haiku-latest'] } },
        timeouts: { firstToken: '5s' },
      }),
      {},
    );
    expect(routeModel(config, 'fast')).toEqual([
      { provider: 'local', model: 'llama3.2' },
      { provider: 'claude', model: 'claude-3-5-haiku-latest' },
    ]);
    expect(routeModel(config, 'claude/claude-opus-4-1')).toEqual([{ provider: 'claude', model: 'claude-opus-4-1' }]);
    expect(routeModel(config, 'claude-sonnet-4-5')).toEqual([{ provider: 'claude', model: 'claude-sonnet-4-5' }]);
    expect(routeModel(config, 'qwen2.5')).toEqual([{ provider: 'local', model: 'qwen2.5' }]);
    expect(config.timeouts.firstTokenMs).toBe(5000);
  });

  it('names the option and the fix for a route to an unknown provider, a provider without a URL, and bad values', () => {
    expect(() => resolveLlmConfig(parse({ models: { m: { provider: 'nope' } } }), {})).toThrow(
      'llm.models["m"] routes to provider "nope", which is not in llm.providers; add it or fix the name',
    );
    expect(() => resolveLlmConfig(parse({ providers: { vllm: { kind: 'openai-compatible' } } }), {})).toThrow(
      'llm.providers.vllm: an openai-compatible provider needs a baseUrl',
    );
    const issue = (llm: unknown) => BotConfigSchema.safeParse({ name: 'b', llm }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issue({ models: { m: { provider: 'openai', fallbacks: ['gpt-4o'] } } })).toEqual([
      'llm.models.m.fallbacks.0: write a target as "<provider>/<model>", e.g. "openai/gpt-4o-mini"',
    ]);
    expect(issue({ keys: [{ id: 'ci', sha256: 'secret' }] })).toEqual(['llm.keys.0.sha256: the sha256 of the key as 64 lowercase hex digits']);
    expect(issue({ redact: { patterns: [{ name: 'x', pattern: '(' }] } })).toEqual(['llm.redact.patterns.0.pattern: not a valid regular expression']);
  });
});

describe('prices', () => {
  it('prices dated model names by their family, lets config override, and charges cached input at its own price', () => {
    expect(findPrice('gpt-4o-mini-2024-07-18', {})).toEqual({ input: 0.15, output: 0.6, cachedInput: 0.075 });
    expect(findPrice('claude-sonnet-4-5-20250929', {})?.input).toBe(3);
    expect(findPrice('llama3.2', {})).toBeUndefined();
    expect(findPrice('gpt-4o', { 'gpt-4o': { input: 1, output: 2 } })).toEqual({ input: 1, output: 2 });
    const usage = { inputTokens: 1_000_000, outputTokens: 500_000, cachedTokens: 400_000, estimated: false };
    expect(costOf(usage, { input: 2.5, output: 10, cachedInput: 1.25 })).toBeCloseTo(0.6 * 2.5 + 0.4 * 1.25 + 5, 9);
    expect(costOf(usage, undefined)).toBe(0);
  });
});

it('documents every LLM error code in docs/llm.md', async () => {
  const doc = await readFile(new URL('../../../../docs/llm.md', import.meta.url), 'utf8');
  expect(Object.keys(LLM_ERRORS).filter((code) => !doc.includes(`| \`${code}\` |`))).toEqual([]);
});
