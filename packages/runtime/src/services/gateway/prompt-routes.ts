// `POST /v1/prompts/:name`: a project's prompts as REST endpoints — input validated, template filled, sent through
// the gateway's own `/llm/v1` (so retries, budgets and the cost ledger apply), output validated when it has a schema.

import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type OpenAI from 'openai';
import { z } from 'zod';
import { fillTemplate, type Prompt } from '../../define/prompt.ts';
import type { ProjectPrompt } from '../../project/types.ts';
import { completeStructured } from '../../structured-output/complete-structured.ts';
import { type LlmUsage, usageOf } from '../../structured-output/llm-usage.ts';
import { dropNulls, nullableOptionals, toStrictJsonSchema } from '../../structured-output/strict-json-schema.ts';
import { HttpError, type HttpErrorCode, invalidRequest } from '../http/errors.ts';

export interface PromptRoutesOptions {
  prompts: readonly ProjectPrompt[] | undefined;
  /** The OpenAI-compatible base URL prompts go through. @default this gateway's own `http://127.0.0.1:<port>/llm/v1` */
  llmUrl?: string;
  /** How long one LLM call may take. @default 60_000 */
  timeoutMs?: number;
}

const ParamsSchema = z.object({ name: z.string().min(1).max(200) });

/** Registers `POST /v1/prompts/:name`, answering `{output, usage}`. */
export function registerPromptRoutes(app: FastifyInstance, options: PromptRoutesOptions): void {
  const byName = new Map((options.prompts ?? []).map((p) => [p.name, p.prompt]));
  let client: Promise<OpenAI> | undefined;
  // Created on first use: the gateway's own port is known only once it listens, and a bot that serves no prompt
  // never loads the openai SDK (~10 MB of memory).
  const llm = () => {
    client ??= import('openai').then(
      ({ default: OpenAI }) => new OpenAI({ baseURL: options.llmUrl ?? ownLlmUrl(app), apiKey: 'local', maxRetries: 0, timeout: options.timeoutMs ?? 60_000 }),
    );
    return client;
  };

  app.post('/v1/prompts/:name', async (request, reply) => {
    const params = ParamsSchema.safeParse(request.params);
    if (!params.success) throw invalidRequest('params', params.error);
    const prompt = byName.get(params.data.name);
    if (!prompt) {
      const known = [...byName.keys()];
      throw new HttpError(
        'PROMPT_NOT_FOUND',
        `no prompt "${params.data.name}"${known.length ? `; this bot has: ${known.join(', ')}` : ' (prompts/ is empty)'}`,
      );
    }
    const input = prompt.input.safeParse(request.body ?? {});
    if (!input.success) throw invalidRequest('body', input.error);
    // The caller's key goes on to /llm/v1, so its budget and scope apply to the prompt's LLM calls.
    const headers: Record<string, string> = {};
    if (typeof request.headers.authorization === 'string') headers.authorization = request.headers.authorization;
    if (typeof request.headers.traceparent === 'string') headers.traceparent = request.headers.traceparent;
    const content = fillTemplate(prompt.template, input.data as Record<string, unknown>);
    try {
      return await runPrompt(await llm(), prompt, content, headers);
    } catch (error) {
      if ((error as { name?: unknown }).name === 'HttpError') throw error;
      const { status, code, message } = error as { status?: unknown; code?: unknown; message?: string };
      // The caller's own limits (its key, its budget, a provider's rate limit after the retries) are theirs to act on, as on /llm/v1.
      const passed = PASSED_THROUGH.find((c) => c === code);
      if (passed) {
        const retryAfter = (error as { headers?: Headers }).headers?.get?.('retry-after');
        if (retryAfter) reply.header('retry-after', retryAfter);
        throw new HttpError(passed, `prompt "${prompt.name}": ${message}`);
      }
      throw new HttpError(
        'LLM_FAILED',
        `the LLM call for prompt "${prompt.name}" failed${typeof status === 'number' ? ` with HTTP ${status}` : ''}: ${message}`,
      );
    }
  });
}

const PASSED_THROUGH: readonly HttpErrorCode[] = ['LLM_UNAUTHORIZED', 'BUDGET_EXCEEDED', 'LLM_RATE_LIMITED'];

async function runPrompt(
  client: OpenAI,
  prompt: Prompt,
  content: string,
  headers: Record<string, string>,
): Promise<{ output: unknown; usage: LlmUsage & { model: string } }> {
  const messages = [{ role: 'user' as const, content }];
  if (!prompt.output) {
    const { data, response } = await client.chat.completions.create({ model: prompt.model, messages }, { headers }).withResponse();
    return { output: data.choices[0]?.message.content ?? '', usage: { model: prompt.model, ...usageOf(data, response.headers) } };
  }
  // Strict structured output needs an object at the root: any other output schema travels as `{value}`.
  const output = prompt.output;
  const wrapped = (output._zod.def as { type: string }).type !== 'object';
  const schema = (wrapped ? z.object({ value: output }) : output) as z.ZodObject;
  const result = await completeStructured({
    client,
    model: prompt.model,
    messages,
    schemaName: prompt.name.replace(/[^A-Za-z0-9_-]/g, '_'),
    jsonSchema: toStrictJsonSchema(nullableOptionals(schema)),
    validate: (value) => {
      const parsed = schema.safeParse(typeof value === 'object' && value !== null ? dropNulls(value as Record<string, unknown>) : value);
      return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: z.prettifyError(parsed.error).replace(/\n/g, ' ') };
    },
    headers,
  });
  if (!result.ok) {
    throw new HttpError('OUTPUT_INVALID', `the model's answer to prompt "${prompt.name}" did not match its output schema after one repair: ${result.error}`);
  }
  const value = wrapped ? (result.value as { value: unknown }).value : result.value;
  return { output: value, usage: { model: prompt.model, ...result.usage } };
}

function ownLlmUrl(app: FastifyInstance): string {
  const address = app.server.address() as AddressInfo | null;
  if (!address) throw new HttpError('LLM_FAILED', 'the gateway is not listening yet');
  return `http://127.0.0.1:${address.port}/llm/v1`;
}
