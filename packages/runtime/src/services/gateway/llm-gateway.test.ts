// The LLM face end to end: the openai SDK against the real gateway, real fake providers on 127.0.0.1, the SQLite ledger.
import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { LlmOptions } from '../../define/llm-options.ts';
import { definePrompt } from '../../define/prompt.ts';
import { startFakeAnthropic } from '../../llm/testing/fake-anthropic.ts';
import { type FakeProvider, startFakeOpenAi } from '../../llm/testing/fake-openai.ts';
import { pngDataUrl } from '../../llm/testing/png.ts';
import { type LlmStack, startLlmStack } from './__fixtures__/llm-stack.ts';

let primary: FakeProvider;
let backup: FakeProvider;
let claude: FakeProvider;
let stack: LlmStack | undefined;

process.env.FAKE_PRIMARY_KEY = 'sk-primary-secret';
process.env.FAKE_ANTHROPIC_KEY = 'sk-ant-secret';

beforeEach(async () => {
  primary = await startFakeOpenAi({ apiKey: 'sk-primary-secret' });
  backup = await startFakeOpenAi();
  claude = await startFakeAnthropic({ apiKey: 'sk-ant-secret', cacheReadTokens: 4 });
});

afterEach(async () => {
  await stack?.close();
  stack = undefined;
  await Promise.all([primary.close(), backup.close(), claude.close()]);
});

/** A gateway routing `gpt-4o-mini` to the primary fake with the backup as fallback, `solo` to the primary alone, `claude-*` to Anthropic. */
async function start(overrides: Partial<LlmOptions> = {}): Promise<{ client: OpenAI; stack: LlmStack }> {
  stack = await startLlmStack({
    providers: {
      openai: { kind: 'openai', baseUrl: primary.url, apiKeyEnv: 'FAKE_PRIMARY_KEY' },
      backup: { kind: 'openai-compatible', baseUrl: backup.url },
      anthropic: { kind: 'anthropic', baseUrl: claude.url, apiKeyEnv: 'FAKE_ANTHROPIC_KEY' },
    },
    models: {
      'gpt-4o-mini': { provider: 'openai', fallbacks: ['backup/gpt-4o-mini'] },
      solo: { provider: 'openai', model: 'gpt-4o-mini' },
    },
    timeouts: { connect: '5s', firstToken: '5s' },
    retries: { attempts: 1, baseDelay: '5ms' },
    cooldown: { failures: 100 },
    ...overrides,
  });
  return { client: new OpenAI({ baseURL: `${stack.url}/llm/v1`, apiKey: 'local', maxRetries: 0 }), stack };
}

const ask = (text: string) => [{ role: 'user' as const, content: text }];

async function streamText(client: OpenAI, model: string, text: string, includeUsage = false): Promise<string> {
  const stream = await client.chat.completions.create({
    model,
    messages: ask(text),
    stream: true,
    ...(includeUsage && { stream_options: { include_usage: true } }),
  });
  let out = '';
  for await (const chunk of stream) out += chunk.choices[0]?.delta.content ?? '';
  return out;
}

/** Each fake's own counts, summed. */
function served(...fakes: FakeProvider[]) {
  return fakes.reduce((sum, f) => ({ inputTokens: sum.inputTokens + f.counts.inputTokens, outputTokens: sum.outputTokens + f.counts.outputTokens }), {
    inputTokens: 0,
    outputTokens: 0,
  });
}

describe('POST /llm/v1/chat/completions', () => {
  it('answers an openai SDK call from the provider and writes its usage, cost and span', async () => {
    const { client, stack } = await start();
    const { data: completion, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: ask('hello there') }).withResponse();
    expect(completion.choices[0]?.message.content).toBe('You said: hello there');
    expect(completion.usage).toMatchObject({ prompt_tokens: primary.counts.inputTokens, completion_tokens: primary.counts.outputTokens });
    expect(primary.received[0]?.headers.authorization).toBe('Bearer sk-primary-secret');
    const totals = await stack.store.usageTotals();
    const expectedCost = (primary.counts.inputTokens * 0.15 + primary.counts.outputTokens * 0.6) / 1e6;
    expect(totals.byModel).toEqual([
      { model: 'gpt-4o-mini', calls: 1, ...served(primary), cachedTokens: 0, costUsd: expect.closeTo(expectedCost, 12), cacheHits: 0, failed: 0 },
    ]);
    expect(totals.byKey.map((k) => k.apiKeyId)).toEqual(['local']);
    expect(Number(response.headers.get('x-inputbot-cost-usd'))).toBeCloseTo(expectedCost, 12);

    const traceId = response.headers.get('x-trace-id') ?? '';
    await expect.poll(() => stack.store.listSpans(traceId)).toHaveLength(1);
    const [span] = await stack.store.listSpans(traceId);
    expect(span).toMatchObject({
      service: 'gateway',
      name: 'llm gpt-4o-mini',
      attributes: { model: 'gpt-4o-mini', provider: 'openai', estimated: false, cacheHit: false },
    });
    expect(JSON.stringify(span)).not.toContain('secret');
    const logged = stack.logs.find((line) => line.includes('"llm call"'));
    expect(JSON.parse(logged ?? '{}')).toMatchObject({ model: 'gpt-4o-mini', provider: 'openai', apiKeyId: 'local', status: 'ok', traceId });
    expect(stack.logs.join('\n')).not.toMatch(/secret|Bearer|authorization/i);
  });

  it('streams with a usage chunk when asked, and lists models', async () => {
    const { client } = await start();
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: ask('stream me'),
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe('You said: stream me');
    expect(usage).toMatchObject({ prompt_tokens: primary.counts.inputTokens, completion_tokens: primary.counts.outputTokens });
    expect(primary.received[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(expect.arrayContaining(['gpt-4o-mini', 'solo', 'claude-3-5-haiku']));
  });

  it('retries a 429 after its Retry-After, then succeeds', async () => {
    const { client, stack } = await start();
    primary.script({ kind: 'status', status: 429, retryAfter: 0.05 });
    const completion = await client.chat.completions.create({ model: 'solo', messages: ask('again') });
    expect(completion.choices[0]?.message.content).toBe('You said: again');
    expect(primary.counts.requests).toBe(2);
    expect((await stack.store.usageTotals()).total).toMatchObject({ calls: 1, failed: 0, ...served(primary) });
  });

  it('waits out a Retry-After, falls back at once when it is longer than retries.maxDelay, and answers 429 LLM_RATE_LIMITED with Retry-After when the last target stays limited', async () => {
    const { client } = await start({ retries: { attempts: 1, baseDelay: '5ms', maxDelay: '2s' } });
    primary.script({ kind: 'status', status: 429, retryAfter: 0.4 });
    let started = Date.now();
    await client.chat.completions.create({ model: 'solo', messages: ask('patient') });
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect(primary.counts.requests).toBe(2);

    primary.script({ kind: 'status', status: 429, retryAfter: 60 });
    started = Date.now();
    expect(await streamText(client, 'gpt-4o-mini', 'impatient')).toBe('You said: impatient');
    expect(Date.now() - started).toBeLessThan(1000);
    expect([primary.counts.requests, backup.counts.requests]).toEqual([3, 1]);

    primary.script({ kind: 'status', status: 429, retryAfter: 0.01 }, { kind: 'status', status: 429, retryAfter: 7 });
    const error = await client.chat.completions.create({ model: 'solo', messages: ask('limited') }).catch((e) => e);
    expect(error).toMatchObject({ status: 429, code: 'LLM_RATE_LIMITED' });
    expect(error.headers.get('retry-after')).toBe('7');
  });

  it('falls back to the next target on a 500 and records the provider that served', async () => {
    const { client, stack } = await start();
    primary.script({ kind: 'status', status: 500 }, { kind: 'status', status: 500 });
    const text = await streamText(client, 'gpt-4o-mini', 'fallback please');
    expect(text).toBe('You said: fallback please');
    expect([primary.counts.requests, backup.counts.requests]).toEqual([2, 1]);
    const totals = await stack.store.usageTotals();
    expect(totals.total).toMatchObject({ calls: 1, failed: 0, ...served(backup) });
  });

  const shortTimeouts = { timeouts: { connect: '300ms', firstToken: '300ms' } } as const;

  it('times out a hung provider (no answer, or headers but no first token) and falls back', async () => {
    const { client, stack } = await start(shortTimeouts);
    primary.script({ kind: 'hang' }, { kind: 'stall' });
    expect((await client.chat.completions.create({ model: 'gpt-4o-mini', messages: ask('one') })).choices[0]?.message.content).toBe('You said: one');
    expect(await streamText(client, 'gpt-4o-mini', 'two')).toBe('You said: two');
    expect([primary.counts.requests, backup.counts.requests]).toEqual([2, 2]);
    // The hung attempts served nothing and cost nothing: the ledger holds what the backup served, by the backup.
    const totals = await stack.store.usageTotals();
    expect(totals.total).toMatchObject({ calls: 2, failed: 0, ...served(primary, backup) });
    expect(primary.counts.inputTokens).toBe(0);
  });

  it('waits for a slow non-streamed answer up to firstToken, not connect (its headers come with the whole answer)', async () => {
    const { client } = await start({ timeouts: { connect: '200ms', firstToken: '5s' }, retries: { attempts: 0 } });
    primary.script({ kind: 'slow', ms: 600 }, { kind: 'hang' });
    expect((await client.chat.completions.create({ model: 'solo', messages: ask('long one') })).choices[0]?.message.content).toBe('You said: long one');
    // A stream's headers come at once: one that never answers is cut at `connect`.
    const started = Date.now();
    const error = await streamText(client, 'solo', 'hung').catch((e) => e);
    expect(error).toMatchObject({ status: 504 });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('answers 504 LLM_UPSTREAM_TIMEOUT when the last target hangs, and the ledger records the failure', async () => {
    const { client, stack } = await start(shortTimeouts);
    primary.script({ kind: 'stall' }, { kind: 'stall' });
    const error = await client.chat.completions.create({ model: 'solo', messages: ask('slow') }).catch((e) => e);
    expect(error).toMatchObject({ status: 504, code: 'LLM_UPSTREAM_TIMEOUT' });
    expect(error.message).toContain('openai/gpt-4o-mini');
    expect((await stack.store.usageTotals()).total).toMatchObject({ calls: 1, failed: 1, inputTokens: 0 });
  });

  it('ends a stream cut mid-way with an explicit error event, does not retry, and records the partial call', async () => {
    const { client, stack } = await start();
    primary.script({ kind: 'cut', afterChunks: 2 });
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: ask('a long answer please'), stream: true });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e) => e);
    expect(text).toBe('You said: ');
    expect(error).toMatchObject({ code: 'LLM_STREAM_INTERRUPTED' });
    expect(error.message).toContain('broke after part of the answer was sent');
    expect([primary.counts.requests, backup.counts.requests]).toEqual([1, 0]);
    const totals = await stack.store.usageTotals();
    // The fake sent no usage before the cut: the ledger's estimate equals what the fake actually served.
    expect(totals.total).toMatchObject({ calls: 1, failed: 0, ...served(primary) });
    expect(totals.total.outputTokens).toBeGreaterThan(0);
  });

  it('ends a stream that goes silent mid-way at the total timeout with an error event', async () => {
    const { client, stack } = await start({ timeouts: { connect: '5s', firstToken: '5s', total: '500ms' } });
    primary.script({ kind: 'cut', afterChunks: 1, hold: true });
    const error = await streamText(client, 'gpt-4o-mini', 'then silence').catch((e) => e);
    expect(error).toMatchObject({ code: 'LLM_UPSTREAM_TIMEOUT' });
    expect(error.message).toContain('llm.timeouts.total (500 ms)');
    expect(backup.counts.requests).toBe(0);
    expect((await stack.store.usageTotals()).total).toMatchObject({ calls: 1, failed: 0, ...served(primary) });
  });

  it('stops the upstream stream when the client leaves, and records the call as partial', async () => {
    const { stack } = await start();
    primary.script({ kind: 'cut', afterChunks: 1, hold: true });
    const leave = new AbortController();
    const response = await fetch(`${stack.url}/llm/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: ask('I will leave'), stream: true }),
      signal: leave.signal,
    });
    const reader = response.body?.getReader();
    expect(new TextDecoder().decode((await reader?.read())?.value)).toContain('data: {');
    leave.abort();
    await expect.poll(async () => (await stack.store.usageTotals()).total.calls).toBe(1);
    const spanAttributes = async () => {
      const [trace] = await stack.store.listRecentTraces();
      return trace && (await stack.store.listSpans(trace.traceId))[0]?.attributes;
    };
    await expect.poll(spanAttributes).toMatchObject({ status: 'partial', errorCode: 'CLIENT_CLOSED' });
  });

  it('answers 502 LLM_UPSTREAM_MALFORMED for a body that is not JSON, or falls back when it can', async () => {
    const { client, stack } = await start();
    primary.script({ kind: 'malformed' }, { kind: 'malformed' });
    const error = await client.chat.completions.create({ model: 'solo', messages: ask('x') }).catch((e) => e);
    expect(error).toMatchObject({ status: 502, code: 'LLM_UPSTREAM_MALFORMED' });
    primary.script({ kind: 'malformed' });
    expect(await streamText(client, 'gpt-4o-mini', 'y')).toBe('You said: y');
    expect(backup.counts.requests).toBe(1);
    expect((await stack.store.usageTotals()).total).toMatchObject({ calls: 2, failed: 1 });
  });

  it('estimates tokens when usage is missing or wrong, and marks them estimated', async () => {
    const { client, stack } = await start();
    primary.script({ kind: 'no-usage' }, { kind: 'wrong-usage' }, { kind: 'no-usage' });
    const { response } = await client.chat.completions.create({ model: 'solo', messages: ask('count me') }).withResponse();
    expect(response.headers.get('x-usage-estimated')).toBe('true');
    await client.chat.completions.create({ model: 'solo', messages: ask('count me too') });
    await streamText(client, 'solo', 'and a stream', true);
    const totals = await stack.store.usageTotals();
    expect(totals.total).toMatchObject({ calls: 3, ...served(primary) });
    await expect.poll(async () => (await stack.store.listRecentTraces()).length).toBe(3);
    const traces = await stack.store.listRecentTraces();
    for (const trace of traces) expect((await stack.store.listSpans(trace.traceId))[0]?.attributes.estimated).toBe(true);
  });
});

describe("the provider's own usage", () => {
  it('is what the ledger records, streamed too when the client did not ask for it; only a call without one is estimated', async () => {
    // This provider counts 7 prompt tokens more than the gateway's tokenizer: the ledger shows whose count it has.
    const provider = await startFakeOpenAi({ extraPromptTokens: 7 });
    try {
      stack = await startLlmStack({ providers: { openai: { kind: 'openai-compatible', baseUrl: provider.url } } });
      const client = new OpenAI({ baseURL: `${stack.url}/llm/v1`, apiKey: 'local', maxRetries: 0 });
      const ledger = async () => (await (stack as LlmStack).store.usageTotals()).total.inputTokens;

      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: ask('reported') });
      expect(await ledger()).toBe(provider.counts.inputTokens);

      // No stream_options from the client: the gateway asks for usage itself, and keeps the usage chunk to itself.
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      for await (const chunk of await client.chat.completions.create({ model: 'gpt-4o-mini', messages: ask('streamed'), stream: true })) chunks.push(chunk);
      expect(provider.received.at(-1)?.body).toMatchObject({ stream_options: { include_usage: true } });
      expect(chunks.some((c) => c.usage)).toBe(false);
      expect(await ledger()).toBe(provider.counts.inputTokens);

      provider.script({ kind: 'no-usage' });
      const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: ask('unreported') }).withResponse();
      expect(response.headers.get('x-usage-estimated')).toBe('true');
      expect(provider.counts.inputTokens - (await ledger())).toBe(7);
    } finally {
      await provider.close();
    }
  });
});

describe('cool-down', () => {
  it('takes a target that keeps failing out of rotation: 503 LLM_TARGETS_COOLING_DOWN with Retry-After, no upstream call', async () => {
    const { client, stack } = await start({ cooldown: { failures: 2, duration: '1m' }, retries: { attempts: 0 } });
    primary.script({ kind: 'status', status: 500 }, { kind: 'status', status: 503 });
    for (const status of [502, 502])
      expect(await client.chat.completions.create({ model: 'solo', messages: ask('x') }).catch((e) => e)).toMatchObject({ status });
    const error = await client.chat.completions.create({ model: 'solo', messages: ask('x') }).catch((e) => e);
    expect(error).toMatchObject({ status: 503, code: 'LLM_TARGETS_COOLING_DOWN' });
    expect(Number(error.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(primary.counts.requests).toBe(2);
    // The model with a fallback is still served, by its fallback.
    expect(await streamText(client, 'gpt-4o-mini', 'still here')).toBe('You said: still here');
    expect((await stack.store.usageTotals()).total).toMatchObject({ calls: 4, failed: 3 });
  });
});

describe('Anthropic translation', () => {
  it('translates a request and its answer both ways, without and with streaming, usage and cached tokens included', async () => {
    const { client, stack } = await start();
    const messages = [
      { role: 'system' as const, content: 'Be brief.' },
      { role: 'user' as const, content: 'hi claude' },
    ];
    const completion = await client.chat.completions.create({ model: 'claude-3-5-haiku-latest', messages, stop: 'END', temperature: 1.5 });
    expect(completion.choices[0]).toMatchObject({ message: { role: 'assistant', content: 'Claude heard: hi claude' }, finish_reason: 'stop' });
    expect(completion.usage).toMatchObject({
      prompt_tokens: claude.counts.inputTokens,
      completion_tokens: claude.counts.outputTokens,
      prompt_tokens_details: { cached_tokens: 4 },
    });
    expect(claude.received[0]?.body).toEqual({
      model: 'claude-3-5-haiku-latest',
      max_tokens: 4096,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'hi claude' }],
      temperature: 1,
      stop_sequences: ['END'],
    });
    expect(claude.received[0]?.headers).toMatchObject({ 'x-api-key': 'sk-ant-secret', 'anthropic-version': '2023-06-01' });

    const stream = await client.chat.completions.create({ model: 'claude-3-5-haiku-latest', messages, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect([text, finish]).toEqual(['Claude heard: hi claude', 'stop']);
    expect(usage?.completion_tokens).toBe(claude.counts.outputTokens / 2);
    const totals = await stack.store.usageTotals();
    const fresh = claude.counts.inputTokens - 8;
    const expectedCost = (fresh * 0.8 + 8 * 0.08 + claude.counts.outputTokens * 4) / 1e6;
    expect(totals.byModel).toEqual([
      { model: 'claude-3-5-haiku-latest', calls: 2, ...served(claude), cachedTokens: 8, costUsd: expect.closeTo(expectedCost, 12), cacheHits: 0, failed: 0 },
    ]);
  });

  it('answers a json_schema response format through a forced tool call, as JSON text, streaming or not', async () => {
    const { client } = await start();
    const response_format = {
      type: 'json_schema' as const,
      json_schema: { name: 'intent', schema: { type: 'object', properties: { heard: { type: 'string' } }, required: ['heard'] } },
    };
    const completion = await client.chat.completions.create({ model: 'claude-3-5-haiku-latest', messages: ask('move Apollo'), response_format });
    expect(JSON.parse(completion.choices[0]?.message.content ?? '')).toEqual({ heard: 'move Apollo' });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(claude.received[0]?.body).toMatchObject({
      tools: [{ name: 'structured_output', input_schema: response_format.json_schema.schema }],
      tool_choice: { type: 'tool', name: 'structured_output' },
    });
    const stream = await client.chat.completions.create({ model: 'claude-3-5-haiku-latest', messages: ask('move Apollo'), response_format, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(JSON.parse(text)).toEqual({ heard: 'move Apollo' });
  });

  it('falls back from an overloaded Anthropic to OpenAI, and a cut Anthropic stream ends in an error event', async () => {
    const { client } = await start({
      models: { smart: { provider: 'anthropic', model: 'claude-sonnet-4', fallbacks: ['backup/gpt-4o-mini'] } },
      retries: { attempts: 0 },
    });
    claude.script({ kind: 'status', status: 529 });
    expect(await streamText(client, 'smart', 'busy?')).toBe('You said: busy?');
    claude.script({ kind: 'cut', afterChunks: 1 });
    const error = await streamText(client, 'smart', 'cut me').catch((e) => e);
    expect(error).toMatchObject({ code: 'LLM_STREAM_INTERRUPTED' });
    expect(backup.counts.requests).toBe(1);
  });

  it("handles Anthropic's failures as OpenAI's: a 429 waited out, a garbled answer, an answer without usage estimated, in the ledger", async () => {
    const { client, stack } = await start({ models: { solo: { provider: 'anthropic', model: 'claude-3-haiku' } }, retries: { attempts: 1, baseDelay: '5ms' } });
    claude.script({ kind: 'status', status: 429, retryAfter: 0.05 });
    expect((await client.chat.completions.create({ model: 'solo', messages: ask('limited') })).choices[0]?.message.content).toBe('Claude heard: limited');
    claude.script({ kind: 'malformed' }, { kind: 'malformed' });
    expect(await client.chat.completions.create({ model: 'solo', messages: ask('garbled') }).catch((e) => e)).toMatchObject({
      status: 502,
      code: 'LLM_UPSTREAM_MALFORMED',
    });
    claude.script({ kind: 'no-usage' });
    const { response } = await client.chat.completions.create({ model: 'solo', messages: ask('uncounted') }).withResponse();
    expect(response.headers.get('x-usage-estimated')).toBe('true');
    expect(claude.counts.requests).toBe(5);
    expect((await stack.store.usageTotals()).total).toMatchObject({ calls: 3, failed: 1 });
  });
});

describe('keys and budgets', () => {
  const sha = (key: string) => createHash('sha256').update(key).digest('hex');

  it('refuses unknown keys, and answers 429 BUDGET_EXCEEDED before any upstream call once a key spent its day', async () => {
    const { stack } = await start({
      keys: [
        { id: 'ci', sha256: sha('key-ci'), budget: { dailyTokens: 12 } },
        { id: 'ops', sha256: sha('key-ops') },
        { id: 'boss', sha256: sha('key-boss'), admin: true },
      ],
    });
    const client = (key: string) => new OpenAI({ baseURL: `${stack.url}/llm/v1`, apiKey: key, maxRetries: 0 });
    expect(
      await client('wrong')
        .chat.completions.create({ model: 'solo', messages: ask('x') })
        .catch((e) => e),
    ).toMatchObject({ status: 401, code: 'LLM_UNAUTHORIZED' });
    await client('key-ci').chat.completions.create({ model: 'solo', messages: ask('first call') });
    const requests = primary.counts.requests;
    const error = await client('key-ci')
      .chat.completions.create({ model: 'solo', messages: ask('second call') })
      .catch((e) => e);
    expect(error).toMatchObject({ status: 429, code: 'BUDGET_EXCEEDED' });
    expect(error.message).toMatch(/API key "ci".*12 tokens.*resets at \d{4}-\d\d-\d\dT00:00:00.000Z/);
    expect(primary.counts.requests).toBe(requests);
    await client('key-ops').chat.completions.create({ model: 'solo', messages: ask('ops has no budget') });
    const totals = await stack.store.usageTotals();
    expect(totals.byKey.map((k) => [k.apiKeyId, k.calls, k.failed])).toEqual([
      ['ci', 2, 1],
      ['ops', 1, 0],
    ]);
    // An admin key reads the whole ledger; any other key its own calls only.
    const usage = async (key: string) =>
      (await fetch(`${stack.url}/v1/usage?from=2020-01-01`, { headers: { authorization: `Bearer ${key}` } })).json() as Promise<Record<string, unknown>>;
    expect(await usage('key-boss')).toMatchObject({ from: Date.UTC(2020, 0, 1), total: { calls: 3 }, byDay: [{ calls: 3 }] });
    const own = await usage('key-ops');
    expect(own).toMatchObject({ apiKeyId: 'ops', total: { calls: 1 }, byKey: [{ apiKeyId: 'ops', calls: 1 }] });
    expect((await fetch(`${stack.url}/v1/usage`)).status).toBe(401);
  });
});

describe('a gateway-wide budget in USD', () => {
  it('counts calls in flight, so of two arriving together only the one it covers goes out, and refuses once the day is spent', async () => {
    // 'hello there' is reserved as 3 tokens at gpt-4o-mini's $0.15 per 1M: $0.00000045 each; the budget covers one.
    const { client } = await start({ budget: { dailyUsd: 0.0000006 } });
    primary.script({ kind: 'slow', ms: 300 });
    const [first, second] = await Promise.allSettled([
      client.chat.completions.create({ model: 'solo', messages: ask('hello there') }),
      client.chat.completions.create({ model: 'solo', messages: ask('hello there') }),
    ]);
    const outcomes = [first, second].map((r) => (r.status === 'fulfilled' ? 'served' : (r.reason as { code?: string }).code));
    expect(outcomes.sort()).toEqual(['BUDGET_EXCEEDED', 'served']);
    expect(primary.counts.requests).toBe(1);
    // What it really cost (input and output) is now in the ledger, past the budget.
    const third = await client.chat.completions.create({ model: 'solo', messages: ask('hi') }).catch((e) => e);
    expect(third).toMatchObject({
      status: 429,
      code: 'BUDGET_EXCEEDED',
      message: expect.stringContaining('gateway-wide (llm.budget) daily budget of $0.0000006'),
    });
    expect(primary.counts.requests).toBe(1);
  });
});

describe('a budget reservation', () => {
  it('prices the call at its dearest target, since a fallback may serve it', async () => {
    // 3 tokens: $0.00000045 at gpt-4o-mini, $0.0000075 at gpt-4o (its fallback); the budget covers only the first.
    const { client } = await start({
      budget: { dailyUsd: 0.000001 },
      models: { cheap: { provider: 'openai', model: 'gpt-4o-mini', fallbacks: ['openai/gpt-4o'] }, mini: { provider: 'openai', model: 'gpt-4o-mini' } },
    });
    expect(await client.chat.completions.create({ model: 'cheap', messages: ask('hello there') }).catch((e) => e)).toMatchObject({
      status: 429,
      code: 'BUDGET_EXCEEDED',
    });
    expect(primary.counts.requests).toBe(0);
    await client.chat.completions.create({ model: 'mini', messages: ask('hello there') });
    expect(primary.counts.requests).toBe(1);
  });
});

describe('prompts as endpoints', () => {
  it("call the gateway's own /llm/v1 with the caller's key: the call is in the ledger under that key, and over budget the prompt answers 429 BUDGET_EXCEEDED", async () => {
    const sha = createHash('sha256').update('key-ci').digest('hex');
    const greet = definePrompt({ name: 'greet', model: 'solo', template: 'Say hello to {{name}}.', input: z.object({ name: z.string() }) });
    const gateway = await startLlmStack(
      {
        providers: { openai: { kind: 'openai', baseUrl: primary.url, apiKeyEnv: 'FAKE_PRIMARY_KEY' } },
        models: { solo: { provider: 'openai', model: 'gpt-4o-mini' } },
        keys: [{ id: 'ci', sha256: sha, budget: { dailyTokens: 12 } }],
      },
      [{ name: 'greet', prompt: greet, source: { file: 'prompts/greet.ts' } }],
    );
    stack = gateway;
    const post = async () => {
      const response = await fetch(`${gateway.url}/v1/prompts/greet`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer key-ci' },
        body: JSON.stringify({ name: 'Ada' }),
      });
      return {
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        body: (await response.json()) as { output?: string; error?: { code: string; message: string } },
      };
    };
    const first = await post();
    expect(first).toMatchObject({ status: 200, body: { output: expect.any(String) } });
    expect(primary.received.at(-1)?.body).toMatchObject({ messages: [{ role: 'user', content: 'Say hello to Ada.' }] });
    const requests = primary.counts.requests;
    const second = await post();
    expect(second).toMatchObject({
      status: 429,
      retryAfter: expect.stringMatching(/^\d+$/),
      body: { error: { code: 'BUDGET_EXCEEDED', message: expect.stringMatching(/^prompt "greet": .*API key "ci"/) } },
    });
    expect(primary.counts.requests).toBe(requests);
    expect((await gateway.store.usageTotals()).byKey.map((k) => [k.apiKeyId, k.calls, k.failed])).toEqual([['ci', 2, 1]]);
  });
});

describe('budgets count what a prompt holds besides text', () => {
  it('reserves an image by its size, so a call whose picture the budget cannot cover is refused before it goes out', async () => {
    const sha = (key: string) => createHash('sha256').update(key).digest('hex');
    const { stack } = await start({ keys: [{ id: 'vision', sha256: sha('key-vision'), budget: { dailyTokens: 500 } }] });
    const client = new OpenAI({ baseURL: `${stack.url}/llm/v1`, apiKey: 'key-vision', maxRetries: 0 });
    const picture = (size: number): OpenAI.ChatCompletionMessageParam[] => [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'what is this?' },
          { type: 'image_url', image_url: { url: pngDataUrl(size, size) } },
        ],
      },
    ];
    // 1024 px square: 765 tokens, more than the day's 500.
    const error = await client.chat.completions.create({ model: 'solo', messages: picture(1024) }).catch((e) => e);
    expect(error).toMatchObject({ status: 429, code: 'BUDGET_EXCEEDED' });
    expect(primary.counts.requests).toBe(0);
    // 300 px: one tile, 255 tokens.
    await client.chat.completions.create({ model: 'solo', messages: picture(300) });
    expect(primary.counts.requests).toBe(1);
  });
});

describe('cache and redaction', () => {
  it('answers a repeated request from the cache without an upstream call, as JSON and as a replayed stream', async () => {
    const { client, stack } = await start({ cache: { enabled: true } });
    const first = await client.chat.completions.create({ model: 'solo', messages: ask('cache me') });
    const second = await client.chat.completions.create({ model: 'solo', messages: ask('cache me') });
    expect(second).toEqual(first);
    expect(await streamText(client, 'solo', 'cache me', true)).toBe('You said: cache me');
    expect(primary.counts.requests).toBe(1);
    expect(await streamText(client, 'solo', 'streamed first')).toBe('You said: streamed first');
    expect((await client.chat.completions.create({ model: 'solo', messages: ask('streamed first') })).choices[0]?.message.content).toBe(
      'You said: streamed first',
    );
    expect(primary.counts.requests).toBe(2);
    expect((await stack.store.usageTotals()).total).toMatchObject({ calls: 5, cacheHits: 3, ...served(primary) });
  });

  it('redacts emails, phone numbers and Luhn-valid card numbers before the prompt leaves', async () => {
    const { client } = await start({ redact: { enabled: true, patterns: [{ name: 'ticket', pattern: 'TCK-\\d+' }] } });
    const text = 'Mail ana.lopez@example.com or call +1 (415) 555-2671, card 4111 1111 1111 1111, ticket TCK-991, order 1234567890123';
    await client.chat.completions.create({ model: 'solo', messages: [{ role: 'user', content: [{ type: 'text', text }] }] });
    const sent = JSON.stringify(primary.received[0]?.body);
    for (const secret of ['ana.lopez@example.com', '555-2671', '4111 1111 1111 1111', 'TCK-991']) expect(sent).not.toContain(secret);
    expect(sent).toContain('[REDACTED_EMAIL]');
    expect(sent).toContain('[REDACTED_PHONE]');
    expect(sent).toContain('[REDACTED_CARD]');
    expect(sent).toContain('[REDACTED_TICKET]');
  });

  it("redacts an earlier tool call's arguments too, keeping them valid JSON", async () => {
    const { client } = await start({ redact: { enabled: true } });
    await client.chat.completions.create({
      model: 'solo',
      messages: [
        { role: 'user', content: 'find the customer' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              // The note's JSON escape (\n) sits right before the address: text redaction would break the JSON.
              function: {
                name: 'find_customer',
                arguments: JSON.stringify({ email: 'ana.lopez@example.com', phone: '+44 20 7946 0958', note: 'call\nbob@example.com' }),
              },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'found ana.lopez@example.com' },
      ],
    });
    const body = primary.received[0]?.body as { messages: Array<{ content: unknown; tool_calls?: Array<{ function: { arguments: string } }> }> };
    expect(JSON.stringify(body)).not.toMatch(/ana\.lopez|7946|bob@/);
    expect(JSON.parse(body.messages[1]?.tool_calls?.[0]?.function.arguments ?? '')).toEqual({
      email: '[REDACTED_EMAIL]',
      phone: '[REDACTED_PHONE]',
      note: 'call\n[REDACTED_EMAIL]',
    });
  });
});

describe('the ledger against the providers', () => {
  it('sums to exactly what the fakes served across successes, fallbacks, retries, estimates and a cut stream', async () => {
    const { client, stack } = await start();
    primary.script(
      { kind: 'status', status: 429, retryAfter: 0 },
      { kind: 'ok' },
      { kind: 'status', status: 503 },
      { kind: 'status', status: 503 },
      { kind: 'no-usage' },
    );
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: ask('one') });
    await streamText(client, 'gpt-4o-mini', 'two', true);
    await client.chat.completions.create({ model: 'solo', messages: ask('three, without usage') });
    await client.chat.completions.create({ model: 'claude-3-haiku', messages: ask('four') });
    claude.script({ kind: 'cut', afterChunks: 2 });
    await streamText(client, 'claude-3-haiku', 'five, cut short').catch(() => {});
    const totals = await stack.store.usageTotals();
    expect(totals.total).toMatchObject({ calls: 5, failed: 0, ...served(primary, backup, claude) });
  });
});

describe('defaults', () => {
  it('without llm config, serves through an openai provider from OPENAI_API_KEY and OPENAI_BASE_URL', async () => {
    process.env.OPENAI_BASE_URL = primary.url;
    process.env.OPENAI_API_KEY = 'sk-primary-secret';
    try {
      stack = await startLlmStack({});
      const client = new OpenAI({ baseURL: `${stack.url}/llm/v1`, apiKey: 'anything', maxRetries: 0 });
      expect((await client.chat.completions.create({ model: 'gpt-4o-mini', messages: ask('defaults') })).choices[0]?.message.content).toBe(
        'You said: defaults',
      );
    } finally {
      delete process.env.OPENAI_BASE_URL;
      delete process.env.OPENAI_API_KEY;
    }
  });
});
