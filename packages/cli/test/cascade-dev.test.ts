// Issue 5's "done when": bot dev in cascade mode, a fake OpenAI standing in for the provider; input the local
// engine is unsure of goes through the LLM (span and usage show it), input it knows stays local, and with
// `llm.cache` on the same request again is answered from the gateway's cache.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSqliteStore } from '@inputbot/runtime/store';
import { afterAll, expect, it } from 'vitest';
import { startFakeOpenAi } from '../../runtime/src/llm/testing/fake-openai.ts';
import { findFreePort } from '../src/dev/free-port.ts';
import { runBot } from './helpers/cli.ts';
import { startDev } from './helpers/dev.ts';

const cleanup: (() => unknown)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

it('answers out-of-vocabulary input through the LLM in cascade mode, with its tokens and cost recorded', async () => {
  const fake = await startFakeOpenAi({
    reply: () => JSON.stringify({ result: { intent: 'lookup_employee', entities: { name: 'Ada Lovelace' } } }),
  });
  cleanup.push(() => fake.close());
  const root = path.join(await mkdtemp(path.join(tmpdir(), 'inputbot-cascade-')), 'ops');
  expect((await runBot(['init', root, '--yes', '--template', 'ops', '--nlu', 'cascade'])).exitCode).toBe(0);
  const config = path.join(root, 'bot.config.ts');
  const source = await readFile(config, 'utf8');
  await writeFile(config, source.replace('  broker: {', "  llm: { cache: { enabled: true, ttl: '1h' } },\n  broker: {"));
  expect(await readFile(config, 'utf8')).toContain('cache: { enabled: true');
  const port = await findFreePort();
  const dev = startDev(root, port, { args: ['--no-watch'], env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'sk-fake' } });
  cleanup.push(() => dev.child.kill('SIGKILL'));
  await expect.poll(dev.output, { timeout: 20_000, interval: 100 }).toContain('is running');

  const send = async (text: string) => {
    const response = await fetch(`http://127.0.0.1:${port}/v1/messages?wait=10000`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'ana', text }),
    });
    return (await response.json()) as { traceId: string; intent?: string; reply?: string };
  };

  const known = await send('move Apollo to done');
  expect(known.intent).toBe('update_status');
  expect(fake.counts.requests).toBe(0);

  // The prompt carries the time to the minute (the bot has date entities): both requests below must fall in one.
  const second = new Date().getUTCSeconds();
  if (second > 45) await new Promise((resolve) => setTimeout(resolve, (61 - second) * 1000));
  const odd = await send('qwzx blorf the lovelace thing');
  expect(odd.intent).toBe('lookup_employee');
  expect(fake.counts.requests).toBeGreaterThanOrEqual(1);

  const store = createSqliteStore({ path: path.join(root, '.bot/state.db') });
  cleanup.push(() => store.close());
  const spans = await store.listSpans(odd.traceId);
  expect(spans.find((s) => s.service === 'nlp')?.attributes).toMatchObject({
    path: 'llm',
    inputTokens: fake.counts.inputTokens,
    outputTokens: fake.counts.outputTokens,
  });
  const totals = await store.usageTotals();
  expect(totals.total).toMatchObject({ calls: fake.counts.served, inputTokens: fake.counts.inputTokens, outputTokens: fake.counts.outputTokens });
  expect(totals.total.costUsd).toBeGreaterThan(0);

  // The same input again: the gateway's cache answers, the provider sees no new request, the ledger a free hit.
  const upstreamBefore = fake.counts.requests;
  const again = await send('qwzx blorf the lovelace thing');
  expect(again.intent).toBe('lookup_employee');
  expect(fake.counts.requests).toBe(upstreamBefore);
  const after = await store.usageTotals();
  expect(after.total.cacheHits).toBe(1);
  expect(after.total.costUsd).toBe(totals.total.costUsd);
  expect((await store.listSpans(again.traceId)).find((s) => s.service === 'nlp')?.attributes).toMatchObject({ path: 'llm', costUsd: 0 });
  dev.child.kill('SIGINT');
});
