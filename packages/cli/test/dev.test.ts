import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSqliteBroker } from '@inputbot/runtime/broker';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runBot } from './helpers/cli.ts';
import { type DevRun, startDev } from './helpers/dev.ts';
import { isAlive } from './helpers/processes.ts';

async function send(port: number, text: string, conversationId?: string, user = 'ana') {
  const response = await fetch(`http://127.0.0.1:${port}/v1/messages?wait=5000`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, text, conversationId }),
  });
  return { status: response.status, body: (await response.json()) as { reply?: string; status?: string; intent?: string; conversationId?: string } };
}

const running: DevRun[] = [];
afterAll(() => {
  for (const run of running) run.child.kill('SIGKILL');
});

describe('bot dev', () => {
  it('serves the ops bot, reloads an edited action, survives a broken one, and stops on Ctrl-C', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'inputbot-dev-'));
    const root = path.join(parent, 'ops');
    expect((await runBot(['init', root, '--yes', '--template', 'ops'])).exitCode).toBe(0);
    // --port 0: bot dev picks a free port, prints it, and records it with the receiver's in .bot/dev.json.
    const dev = startDev(root, 0);
    running.push(dev);
    await expect.poll(dev.output, { timeout: 20_000, interval: 100 }).toContain('is running');
    const port = Number(/API\s+http:\/\/127\.0\.0\.1:(\d+)\//.exec(dev.output())?.[1]);
    expect(port).toBeGreaterThan(0);

    const first = await send(port, 'move Apollo to done');
    expect(first.status).toBe(200);
    expect(first.body.intent).toBe('update_status');
    expect(first.body.reply).toMatch(/^Moved Apollo from .+ to done\.$/);

    // Without a conversationId, a user's messages on a channel are one conversation, as with curl in the README:
    // the answer to the bot's question completes the intent, and another user's same words do not.
    const asked = await send(port, 'move Apollo');
    expect(asked.body).toMatchObject({ status: 'clarifying', intent: 'update_status', reply: expect.stringMatching(/status/i) });
    const other = await send(port, 'blocked', undefined, 'bob');
    expect(other.body).toMatchObject({ status: 'clarifying', reply: expect.stringMatching(/^Which project\?/) });
    const answered = await send(port, 'blocked');
    expect(answered.body).toMatchObject({ status: 'completed', intent: 'update_status' });
    expect(answered.body.reply).toBe('Moved Apollo from done to blocked.');
    expect(answered.body.conversationId).toBe(asked.body.conversationId);

    const state = JSON.parse(await readFile(path.join(root, '.bot/dev.json'), 'utf8')) as {
      gatewayUrl: string;
      services: { name: string; pid: number; port?: number; restarts: number }[];
    };
    expect(state.services.map((s) => s.name).sort()).toEqual(['executor', 'gateway', 'nlp', 'receiver']);
    expect(state.gatewayUrl).toBe(`http://127.0.0.1:${port}`);
    const ports = Object.fromEntries(state.services.map((s) => [s.name, s.port]));
    expect(ports.gateway).toBe(port);
    expect(ports.receiver).toEqual(expect.any(Number));
    expect(await fetch(`http://127.0.0.1:${ports.receiver}/healthz`).then((r) => r.status)).toBe(200);
    const pids = state.services.map((s) => s.pid);
    expect(pids.every(isAlive)).toBe(true);

    const status = JSON.parse((await runBot(['status', root, '--json'])).stdout);
    expect(status.running).toBe(true);
    expect(status.dev.services.map((s: { state: string }) => s.state)).toEqual(['ready', 'ready', 'ready', 'ready']);
    expect(status.topics.map((t: { topic: string }) => t.topic)).toEqual(expect.arrayContaining(['inputs', 'intents']));

    const traces = await runBot(['traces', '--dir', root, '--limit', '1']);
    expect(traces.exitCode).toBe(0);
    expect(traces.stdout).toMatch(/gateway\s+POST \/v1\/messages/);
    expect(traces.stdout).toMatch(/nlp\s+recognize .* intent=update_status/);
    expect(traces.stdout).toMatch(/executor\s+action update_status .* outcome=ok/);
    // The folder as the argument, as `bot status` takes it, is the same listing (not a trace id with no spans).
    const byFolder = await runBot(['traces', root, '--limit', '1']);
    expect(byFolder.exitCode).toBe(0);
    expect(byFolder.stdout).toMatch(/executor\s+action update_status .* outcome=ok/);
    const both = await runBot(['traces', '-C', root, root]);
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toContain('is a folder, not a trace id');

    // A message that breaks the contract is dead-lettered at once; replay puts it back (and it dies again).
    const broker = createSqliteBroker({ path: path.join(root, '.bot/broker.db') });
    await broker.publish('inputs', { payload: { v: 1, type: 'input.received', text: 'no ids' } });
    await broker.close();
    const deadLetters = async () => JSON.parse((await runBot(['dlq', 'list', root, '--json'])).stdout) as { id: string; error: { code: string } }[];
    await expect
      .poll(deadLetters, { timeout: 10_000, interval: 200 })
      .toEqual([expect.objectContaining({ error: expect.objectContaining({ code: 'CONTRACT_INVALID' }) })]);
    const replay = await runBot(['dlq', 'replay', '--all', '--dir', root]);
    expect(replay.stdout).toContain('replayed 1 message');
    await expect.poll(async () => (await deadLetters()).length, { timeout: 10_000, interval: 200 }).toBe(1);
    const [dead] = await deadLetters();
    const statusText = await runBot(['status', root]);
    expect(statusText.stdout).toMatch(/inputs\/nlp\s+0\s+0\s+0\s+1/);
    expect(statusText.stdout).toContain('1 dead letter: bot dlq list');
    expect((await runBot(['dlq', 'replay', dead?.id as string, '--dir', root])).stdout).toContain('replayed 1 message');
    // Replayed, it dies again: one dead letter still, a new entry.
    await expect.poll(async () => (await deadLetters()).map((d) => d.id !== dead?.id), { timeout: 10_000, interval: 200 }).toEqual([true]);
    const unknown = await runBot(['dlq', 'replay', '3b241101-e2bb-4255-8caf-4136c566a962', '--dir', root]);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('no dead letter 3b241101-e2bb-4255-8caf-4136c566a962');

    const actionFile = path.join(root, 'actions/update-status.ts');
    const source = await readFile(actionFile, 'utf8');
    // The action's reply starts with "Moved"; the edited one says "Shifted".
    await writeFile(actionFile, source.replace('return `Moved', 'return `Shifted'));
    await expect.poll(dev.output, { timeout: 20_000, interval: 100 }).toMatch(/reloaded executor/);
    const second = await send(port, 'move Gemini to blocked');
    expect(second.body.reply).toMatch(/^Shifted Gemini from .+ to blocked\.$/);

    // A new intent in a data file: nlp retrains and answers it (no action: the executor's default reply).
    await writeFile(
      path.join(root, 'data/coffee.yaml'),
      '- intent: order_coffee\n  examples:\n    - order a coffee\n    - i want a coffee please\n    - get me a latte\n    - one cappuccino please\n    - can i have an espresso\n    - coffee for me\n',
    );
    await expect.poll(dev.output, { timeout: 20_000, interval: 100 }).toMatch(/reloaded nlp/);
    const fourth = await send(port, 'i would like a coffee please');
    expect(fourth.body.intent).toBe('order_coffee');

    // Random texts through the real services (nlp's tokenizer and entity extraction, the ops actions): each gets an
    // answer (or a 400 for text that is only whitespace) and no service restarts.
    const texts = fc.oneof(
      fc.string({ minLength: 1, maxLength: 300, unit: 'binary' }),
      fc.tuple(fc.constantFrom('move', 'who is', 'schedule a meeting with', 'set'), fc.string({ unit: 'grapheme', maxLength: 80 })).map((p) => p.join(' ')),
    );
    await fc.assert(
      fc.asyncProperty(texts, async (text) => {
        const res = await send(port, text, `fuzz-${Math.random()}`);
        if (res.status === 400) expect(res.body).toMatchObject({ error: { code: 'INVALID_REQUEST', message: expect.stringContaining('empty') } });
        else expect(res).toMatchObject({ status: 200, body: { status: expect.stringMatching(/^(completed|clarifying|failed)$/) } });
      }),
      { numRuns: 60 },
    );

    const afterFuzz = JSON.parse(await readFile(path.join(root, '.bot/dev.json'), 'utf8')) as typeof state;
    expect(afterFuzz.services.map((s) => [s.name, s.pid, s.restarts])).toEqual(state.services.map((s) => [s.name, s.pid, 0]));

    // An intent file saved while messages flow: nlp and the executor reload, and every message is answered.
    const intentFile = path.join(root, 'intents/lookup-employee.ts');
    const during = Array.from({ length: 20 }, (_, i) =>
      new Promise((resolve) => setTimeout(resolve, i * 25)).then(() => send(port, 'move Apollo to done', `during-reload-${i}`)),
    );
    await writeFile(intentFile, `${await readFile(intentFile, 'utf8')}// saved again\n`);
    await expect
      .poll(dev.output, { timeout: 20_000, interval: 100 })
      .toMatch(/reloaded (nlp and executor|executor and nlp) in \d+ ms \(intents\/lookup-employee\.ts\)/);
    for (const answer of await Promise.all(during)) expect(answer.body.reply).toMatch(/^(Shifted Apollo from .+ to done|Apollo is already done)\.$/);

    // bot dev keeps a copy of the version that loaded, for a service that restarts while a file is broken.
    const kept = path.join(root, '.bot/last-good/actions/update-status.ts');
    await expect.poll(() => readFile(kept, 'utf8').catch(() => ''), { timeout: 10_000 }).toContain('return `Shifted');
    await writeFile(actionFile, `${source.slice(0, 200)} this is not typescript (`);
    await expect.poll(dev.output, { timeout: 20_000, interval: 100 }).toMatch(/actions\/update-status\.ts:\d+:\d+ MODULE_SYNTAX/);
    expect(dev.output()).toContain('the previous version keeps serving');
    const third = await send(port, 'move Hubble to in progress');
    expect(third.body.reply).toMatch(/^Shifted Hubble from .+ to in progress\.$/);

    // The executor crashes while the file is broken: it comes back on the last version that loaded.
    const executor = state.services.find((s) => s.name === 'executor');
    process.kill(executor?.pid as number, 'SIGKILL');
    await expect.poll(dev.output, { timeout: 20_000, interval: 100 }).toContain('executor runs its last version that loaded');
    const afterCrash = await send(port, 'move Hubble to done');
    expect(afterCrash.body.reply).toMatch(/^Shifted Hubble from .+ to done\.$/);
    // Fixed: the executor is restarted on the project itself (the new reply shows it is no longer the copy).
    await writeFile(actionFile, source.replace('return `Moved', 'return `Relocated'));
    await expect.poll(dev.output, { timeout: 20_000, interval: 100 }).toContain('restarting executor on the project');
    await expect.poll(async () => (await send(port, 'move Hubble to blocked')).body.reply, { timeout: 20_000, interval: 200 }).toMatch(/^Relocated Hubble/);
    const restarted = JSON.parse(await readFile(path.join(root, '.bot/dev.json'), 'utf8')) as typeof state;
    pids.push(...restarted.services.map((s) => s.pid));

    const stopping = Date.now();
    dev.child.kill('SIGINT');
    expect(await dev.exited).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(5000);
    expect(pids.filter(isAlive)).toEqual([]);
  });
});
