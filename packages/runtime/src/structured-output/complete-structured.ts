// One structured-output exchange with a chat model: ask, parse, validate, and on invalid output ask once more
// with the validation error. Model text never leaves here unvalidated.
import type OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { addUsage, type LlmUsage, NO_USAGE, usageOf } from './llm-usage.ts';

/** A validator's verdict on the model's parsed JSON. */
export type Validation<T> = { ok: true; value: T } | { ok: false; error: string };

export interface StructuredRequest<T> {
  client: OpenAI;
  model: string;
  messages: ChatCompletionMessageParam[];
  /** The schema's name in `response_format` (letters, digits, `_`, `-`). */
  schemaName: string;
  /** A strict JSON schema (see toStrictJsonSchema). */
  jsonSchema: Record<string, unknown>;
  validate(value: unknown): Validation<T>;
  /** Extra request headers, e.g. `traceparent`. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export type StructuredResult<T> =
  | { ok: true; value: T; usage: LlmUsage }
  /** Both the answer and the repaired answer were invalid; `error` is the last validation error. */
  | { ok: false; error: string; usage: LlmUsage };

/** Asks for a schema-shaped answer; one repair attempt. Transport and HTTP errors are thrown as the SDK throws them. */
export async function completeStructured<T>(request: StructuredRequest<T>): Promise<StructuredResult<T>> {
  const messages = [...request.messages];
  let usage = NO_USAGE;
  let error = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    const { data, response } = await request.client.chat.completions
      .create(
        {
          model: request.model,
          messages,
          temperature: 0,
          response_format: { type: 'json_schema', json_schema: { name: request.schemaName, strict: true, schema: request.jsonSchema } },
        },
        { headers: request.headers, signal: request.signal },
      )
      .withResponse();
    usage = addUsage(usage, usageOf(data, response.headers));
    const message = data.choices[0]?.message;
    const content = message?.content ?? '';
    const verdict = message?.refusal ? ({ ok: false, error: `the model refused: ${message.refusal}` } as const) : parseAndValidate(content, request.validate);
    if (verdict.ok) return { ok: true, value: verdict.value, usage };
    error = verdict.error;
    messages.push(
      { role: 'assistant', content },
      { role: 'user', content: `That answer is invalid: ${error}. Answer again with JSON that matches the schema exactly.` },
    );
  }
  return { ok: false, error, usage };
}

function parseAndValidate<T>(content: string, validate: (value: unknown) => Validation<T>): Validation<T> {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return { ok: false, error: `not JSON: ${JSON.stringify(content.slice(0, 200))}` };
  }
  return validate(value);
}
