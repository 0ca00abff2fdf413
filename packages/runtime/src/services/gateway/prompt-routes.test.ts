import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { definePrompt } from '../../define/prompt.ts';
import { type FakeAnswer, type FakeChat, startFakeChat } from '../../nlu/__fixtures__/fake-chat-server.ts';
import { createHttpApp, listenHttpApp } from '../http/http-app.ts';
import { registerPromptRoutes } from './prompt-routes.ts';

const summarize = definePrompt({
  name: 'summarize',
  model: 'gpt-4o-mini',
  template: 'Summarise in {{ words }} words:\n\n{{text}}',
  input: z.object({ text: z.string().min(1).max(2000), words: z.number().int().min(5).default(20) }),
});
const classify = definePrompt({
  name: 'classify',
  model: 'gpt-4o-mini',
  template: 'Classify this ticket: {{ticket}}',
  input: z.object({ ticket: z.string() }),
  output: z.object({ team: z.enum(['billing', 'tech']), urgent: z.boolean(), note: z.string().optional() }),
});

/** The answer body, success or error. */
interface PromptAnswer {
  output?: unknown;
  usage?: Record<string, unknown>;
  error: { code: string; message: string };
}

let fake: FakeChat | undefined;
let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  await fake?.close();
  app = undefined;
  fake = undefined;
});

/** The prompt routes on a real port, their LLM calls answered by the fake, call by call (the last repeats). */
async function serve(answers: FakeAnswer[]): Promise<(name: string, body: unknown) => Promise<{ status: number; body: PromptAnswer }>> {
  let call = 0;
  fake = await startFakeChat(() => answers[Math.min(call++, answers.length - 1)]);
  app = createHttpApp({ logger: pino({ level: 'silent' }) });
  const prompts = [summarize, classify].map((prompt) => ({ name: prompt.name, prompt, source: { file: `prompts/${prompt.name}.ts` } }));
  registerPromptRoutes(app, { prompts, llmUrl: fake.url });
  const port = await listenHttpApp(app, { port: 0 });
  return async (name, body) => {
    const response = await fetch(`http://127.0.0.1:${port}/v1/prompts/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-caller' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as PromptAnswer };
  };
}

describe('POST /v1/prompts/:name', () => {
  it('fills the template from the validated body and answers the model text with usage', async () => {
    const post = await serve([{ raw: 'A short summary.' }]);
    const answer = await post('summarize', { text: 'A very long text about inputbot.' });
    expect(answer).toEqual({
      status: 200,
      body: { output: 'A short summary.', usage: { model: 'gpt-4o-mini', inputTokens: 120, outputTokens: 15, costUsd: 0.0002, llmCalls: 1 } },
    });
    const [request] = fake?.requests ?? [];
    expect(request?.body.messages).toEqual([{ role: 'user', content: 'Summarise in 20 words:\n\nA very long text about inputbot.' }]);
    expect(request?.body.response_format).toBeUndefined();
    expect(request?.headers.authorization).toBe('Bearer sk-caller');
  });

  it('answers 400 naming the field when the body fails the input schema, and 404 for an unknown prompt', async () => {
    const post = await serve([{ raw: 'unused' }]);
    const bad = await post('summarize', { text: '', words: 2 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_REQUEST');
    expect(bad.body.error.message).toContain('body.text');
    expect(bad.body.error.message).toContain('body.words');
    const missing = await post('translate', { text: 'hola' });
    expect(missing).toEqual({
      status: 404,
      body: { error: { code: 'PROMPT_NOT_FOUND', message: 'no prompt "translate"; this bot has: summarize, classify' } },
    });
    expect(fake?.requests).toEqual([]);
  });

  it('asks for structured output from the output schema and answers the validated object', async () => {
    const post = await serve([{ team: 'tech', urgent: true, note: null }]);
    const answer = await post('classify', { ticket: 'the app crashes on login' });
    expect(answer).toMatchObject({ status: 200, body: { output: { team: 'tech', urgent: true }, usage: { llmCalls: 1 } } });
    expect(fake?.requests[0]?.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'classify',
        strict: true,
        schema: {
          type: 'object',
          properties: { team: { type: 'string', enum: ['billing', 'tech'] }, urgent: { type: 'boolean' }, note: { type: ['string', 'null'] } },
          required: ['team', 'urgent', 'note'],
          additionalProperties: false,
        },
      },
    });
  });

  it('repairs an invalid answer once, and answers 502 OUTPUT_INVALID when the repair is invalid too', async () => {
    const repaired = await serve([
      { team: 'sales', urgent: true, note: null },
      { team: 'billing', urgent: false, note: 'refund' },
    ]);
    expect(await repaired('classify', { ticket: 'charged twice' })).toMatchObject({
      status: 200,
      body: { output: { team: 'billing', urgent: false, note: 'refund' }, usage: { llmCalls: 2, inputTokens: 240 } },
    });
    await app?.close();
    await fake?.close();
    const broken = await serve([{ team: 'sales', urgent: 'yes', note: null }]);
    const answer = await broken('classify', { ticket: 'charged twice' });
    expect(answer.status).toBe(502);
    expect(answer.body.error.code).toBe('OUTPUT_INVALID');
    expect(answer.body.error.message).toMatch(/^the model's answer to prompt "classify" did not match its output schema after one repair: .*team/);
    expect(fake?.requests).toHaveLength(2);
  });

  it('answers 502 LLM_FAILED when the LLM endpoint fails', async () => {
    const post = await serve([{ status: 429, error: 'daily budget exceeded' }]);
    const answer = await post('summarize', { text: 'hi there' });
    expect(answer.status).toBe(502);
    expect(answer.body.error).toMatchObject({ code: 'LLM_FAILED' });
    expect(answer.body.error.message).toContain('HTTP 429');
  });
});
