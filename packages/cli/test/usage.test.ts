// `bot usage` reads the LLM ledger from the project's state folder.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSqliteStore, type UsageRecord } from '@inputbot/runtime/store';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runBot } from './helpers/cli.ts';

let root: string;
const now = Date.now();

function record(overrides: Partial<UsageRecord>): UsageRecord {
  return {
    traceId: `${'0'.repeat(31)}1`,
    model: 'gpt-4o-mini',
    provider: 'openai',
    inputTokens: 1200,
    outputTokens: 300,
    cachedTokens: 0,
    costUsd: 0.00036,
    latencyMs: 420,
    cacheHit: false,
    estimated: false,
    apiKeyId: 'local',
    status: 'ok',
    atMs: now,
    ...overrides,
  };
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'inputbot-usage-'));
  await mkdir(path.join(root, '.bot'));
  const store = createSqliteStore({ path: path.join(root, '.bot/state.db') });
  await store.recordUsage(record({}));
  await store.recordUsage(record({ model: 'claude-3-5-haiku-latest', provider: 'anthropic', apiKeyId: 'ci', costUsd: 0.0021, cachedTokens: 200 }));
  await store.recordUsage(record({ inputTokens: 0, outputTokens: 0, costUsd: 0, cacheHit: true }));
  await store.recordUsage(record({ atMs: now - 30 * 86_400_000, costUsd: 5 }));
  await store.close();
});

afterAll(() => rm(root, { recursive: true, force: true }));

it('prints totals by model, key and day for the period, and JSON with --json', async () => {
  const text = await runBot(['usage', root, '--since', '24h']);
  expect(text.exitCode).toBe(0);
  const day = new Date(now).toISOString().slice(0, 10);
  const lines = text.stdout
    .replace(/since \S+/, 'since <from>')
    .replace(day, 'YYYY-MM-DD')
    .trimEnd();
  expect(lines).toMatchInlineSnapshot(`
    "LLM usage since <from>
      3 calls · 2,400 in · 600 out · 200 cached · $0.0025 · 1 cache hits · 0 failed

      model                    calls  input  output  cached     cost  hits  failed
      claude-3-5-haiku-latest      1  1,200     300     200  $0.0021     0       0
      gpt-4o-mini                  2  1,200     300       0  $0.0004     1       0

      key    calls  input  output  cached     cost  hits  failed
      ci         1  1,200     300     200  $0.0021     0       0
      local      2  1,200     300       0  $0.0004     1       0

      day (UTC)   calls  input  output  cached     cost  hits  failed
      YYYY-MM-DD      3  2,400     600     200  $0.0025     1       0"
  `);
  const json = JSON.parse((await runBot(['usage', '--dir', root, '--since', '2000-01-01', '--json'])).stdout);
  expect(json.total).toMatchObject({ calls: 4, costUsd: 5.00246, cacheHits: 1 });
});

it('fails with a usage error for a bad --since or a project that never ran', async () => {
  const bad = await runBot(['usage', '--dir', root, '--since', 'yesterday']);
  expect([bad.exitCode, bad.stderr]).toEqual([2, expect.stringContaining('--since yesterday: use a span such as 24h or 7d')]);
  const empty = await mkdtemp(path.join(tmpdir(), 'inputbot-usage-empty-'));
  const never = await runBot(['usage', '--dir', empty]);
  expect([never.exitCode, never.stderr]).toEqual([2, expect.stringContaining('start the bot with bot dev first')]);
  const twice = await runBot(['usage', root, '--dir', empty]);
  expect([twice.exitCode, twice.stderr]).toEqual([2, expect.stringContaining(`two project folders given: ${root} and -C ${empty}`)]);
  await rm(empty, { recursive: true, force: true });
});
