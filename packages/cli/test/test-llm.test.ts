// `bot test` in llm mode: the real CLI against a fake OpenAI-compatible server, recorded to a cassette and
// replayed from it with no network.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeChat, startFakeChat } from '../../runtime/src/nlu/__fixtures__/fake-chat-server.ts';
import { runBot, writeProject } from './helpers/cli.ts';

const intent = (name: string, examples: string[], entities = '') => `import { defineIntent, z } from '@inputbot/runtime';
export default defineIntent({ name: '${name}', description: '${name.replace('_', ' ')}', examples: ${JSON.stringify(examples)}${entities} });
`;

const files: Record<string, string> = {
  'bot.config.ts': `import { defineBot } from '@inputbot/runtime';\nexport default defineBot({ name: 'shop-bot', nlu: { mode: 'llm' } });\n`,
  'intents/track-order.ts': intent(
    'track_order',
    ['where is order [A-1001](order_id)', 'track order [B-2002](order_id) please', 'has my order [C-3003](order_id) shipped yet'],
    ', entities: z.object({ order_id: z.string().regex(/^[A-Z]-\\d+$/) })',
  ),
  'intents/refund.ts': intent('refund', ['i want my money back', 'refund my purchase', 'can i get a refund']),
  'data/none.yaml': '- intent: none\n  examples: [tell me a joke, play some music, what is the weather like]\n',
  'fixtures/shop.yaml': `- text: my parcel Z-42 never showed up, where is it
  intent: track_order
  entities: { order_id: Z-42 }
- text: this blender is junk, I want my cash returned
  intent: refund
- text: write me a poem about turtles
  intent: none
`,
};

const ANSWERS: Record<string, unknown> = {
  'my parcel Z-42 never showed up, where is it': { result: { intent: 'track_order', entities: { order_id: 'Z-42' } } },
  'this blender is junk, I want my cash returned': { result: { intent: 'refund', entities: {} } },
  'write me a poem about turtles': { result: { intent: 'none' } },
};

let fake: FakeChat | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

// Everything but timings.
function comparable(report: Record<string, unknown>) {
  const { latency: _latency, training: _training, ...rest } = report;
  return rest;
}

describe('bot test in llm mode', () => {
  it('records the LLM exchanges with --record and passes offline with the same report with --replay', async () => {
    const root = await writeProject(files);
    const cassette = path.join(root, 'fixtures/llm-cassette.json');
    fake = await startFakeChat((request) => ANSWERS[request.userText] ?? { result: { intent: 'none' } });

    const recorded = await runBot(['test', root, '--json', '--record', cassette], { env: { INPUTBOT_LLM_URL: fake.url } });
    expect(recorded.stderr).toBe('');
    expect(recorded.exitCode).toBe(0);
    const report = JSON.parse(recorded.stdout);
    expect(report).toMatchObject({
      cases: 3,
      failed: 0,
      passed: true,
      usage: { llmCalls: 3, inputTokens: 360, outputTokens: 45 },
      paths: { llm: 3, local: 0 },
    });
    expect(report.usage.costUsd).toBeCloseTo(0.0006, 10);
    expect(fake.requests.map((r) => r.userText).sort()).toEqual(Object.keys(ANSWERS).sort());
    const saved = JSON.parse(await readFile(cassette, 'utf8'));
    expect(Object.keys(saved.exchanges)).toHaveLength(3);
    expect(Object.values(saved.exchanges as Record<string, { request: { text: string } }>).map((e) => e.request.text)).toEqual(
      expect.arrayContaining(Object.keys(ANSWERS)),
    );
    await fake.close();
    fake = undefined;

    const replayed = await runBot(['test', root, '--json', '--replay', cassette], { env: { INPUTBOT_LLM_URL: '' } });
    expect(replayed.stderr).toBe('');
    expect(replayed.exitCode).toBe(0);
    expect(comparable(JSON.parse(replayed.stdout))).toEqual(comparable(report));

    const text = await runBot(['test', root, '--replay', cassette]);
    expect(text.stdout).toContain('shop-bot: 3 intents, 9 examples · llm NLU');
    expect(text.stdout).toMatch(/LLM\s+3 calls {2}360 in \/ 45 out tokens {2}\$0\.0006 {2}\(answered by the LLM 3, locally 0\)/);
    expect(text.stdout).toContain('✔ 3 of 3 fixtures passed');
  });

  it('names the request a replayed cassette lacks, and shows which path answered a failing case', async () => {
    const root = await writeProject(files);
    const cassette = path.join(root, 'llm.yaml');
    fake = await startFakeChat((request) => ANSWERS[request.userText] ?? { result: { intent: 'none' } });
    const recorded = await runBot(['test', root, '--json', '--record', cassette], { env: { INPUTBOT_LLM_URL: fake.url } });
    expect(recorded.exitCode).toBe(0);
    expect(await readFile(cassette, 'utf8')).toMatch(/^version: 1\nreferenceTime: \S+\nexchanges:\n/);

    await writeFile(path.join(root, 'fixtures/more.yaml'), '- text: where on earth is Q-7\n  intent: track_order\n');
    const missed = await runBot(['test', root, '--replay', cassette]);
    expect(missed.exitCode).toBe(2);
    expect(missed.stderr).toMatch(
      /no recorded answer for request [0-9a-f]{32} \(gpt-4o-mini, "where on earth is Q-7"\) in .*llm\.yaml: .*record again with bot test --record/,
    );

    const live = await runBot(['test', root, '--json'], { env: { INPUTBOT_LLM_URL: fake.url } });
    expect(live.exitCode).toBe(1);
    expect(JSON.parse(live.stdout).failures).toEqual([
      expect.objectContaining({ text: 'where on earth is Q-7', got: { intent: 'none', confidence: 1, entities: {}, path: 'llm' } }),
    ]);
  });

  it('replays at the time it was recorded, since a prompt with date entities says what time it is', async () => {
    const dated = {
      ...files,
      'intents/book.ts': intent(
        'book_table',
        ['book a table for [tomorrow at 8pm](when)', 'reserve a table [friday at 7pm](when)', 'a table for two [tonight at 9](when)'],
        ', entities: z.object({ when: z.iso.datetime() })',
      ),
    };
    const root = await writeProject(dated);
    const cassette = path.join(root, 'llm.json');
    fake = await startFakeChat((request) => ANSWERS[request.userText] ?? { result: { intent: 'none' } });
    expect((await runBot(['test', root, '--record', cassette], { env: { INPUTBOT_LLM_URL: fake.url } })).exitCode).toBe(0);
    expect(JSON.stringify(fake.requests[0]?.body)).toMatch(/Now is \d{4}-\d\d-\d\dT\d\d:\d\dZ/);
    const saved = JSON.parse(await readFile(cassette, 'utf8'));
    expect(Date.now() - Date.parse(saved.referenceTime)).toBeLessThan(60_000);

    expect((await runBot(['test', root, '--replay', cassette], { env: { INPUTBOT_LLM_URL: '' } })).exitCode).toBe(0);
    // The same cassette said to be from a day earlier: the replay asks what a run then would have, which was never recorded.
    const dayBefore = new Date(Date.parse(saved.referenceTime) - 86_400_000).toISOString();
    await writeFile(cassette, JSON.stringify({ ...saved, referenceTime: dayBefore }));
    const earlier = await runBot(['test', root, '--replay', cassette], { env: { INPUTBOT_LLM_URL: '' } });
    expect(earlier.exitCode).toBe(2);
    expect(earlier.stderr).toContain('no recorded answer for request');
  });

  it('asks for an LLM endpoint when there is neither INPUTBOT_LLM_URL nor a cassette', async () => {
    const root = await writeProject(files);
    const run = await runBot(['test', root], { env: { INPUTBOT_LLM_URL: '' } });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('nlu.mode needs an LLM: set INPUTBOT_LLM_URL');
  });
});
