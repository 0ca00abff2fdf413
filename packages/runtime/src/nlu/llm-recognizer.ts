// The LLM path of the NLU (`nlu.mode` llm and cascade): the openai SDK pointed at the gateway, structured output
// from the intents' schemas, one repair attempt, and the local engine's answer when the model's stays invalid.
import { randomBytes } from 'node:crypto';
import OpenAI from 'openai';
import type { NluMode } from '../define/bot.ts';
import { NONE_INTENT } from '../define/intent.ts';
import type { Project } from '../project/types.ts';
import { completeStructured } from '../structured-output/complete-structured.ts';
import { toStrictJsonSchema } from '../structured-output/strict-json-schema.ts';
import { buildAnswerSchema, validateAnswer } from './llm-answer.ts';
import { buildNluPrompt } from './llm-prompt.ts';
import type { Recognizer } from './recognizer.ts';
import type { NluParseOptions, NluResult } from './types.ts';

/** Where and how the LLM is reached. */
export interface LlmClientOptions {
  /** An OpenAI-compatible base URL: the gateway's `/llm/v1` (`bot dev` sets INPUTBOT_LLM_URL to it). */
  baseURL: string;
  /** Sent as the bearer token. @default "local" */
  apiKey?: string;
  /** Replaces the global fetch (`bot test --record/--replay` passes a cassette's). */
  fetch?: typeof fetch;
  /** How long one call may take. @default 30_000 */
  timeoutMs?: number;
  /**
   * When the LLM cannot be reached or answers with an HTTP error: answer with the local engine (`fallback`, what
   * the nlp service does) or throw (`throw`, what `bot test` does, so a run never silently tests the wrong engine).
   * @default "fallback"
   */
  onUnavailable?: 'fallback' | 'throw';
}

/** Wraps the local recognizer so `parseAsync` follows `mode`; `parse` stays the local engine. */
export function createLlmRecognizer(project: Project, local: Recognizer, mode: Exclude<NluMode, 'local'>, options: LlmClientOptions): Recognizer {
  const { nlu } = project.config;
  // The gateway retries, falls back and budgets; retrying here too would multiply its attempts.
  const client = new OpenAI({
    baseURL: options.baseURL,
    apiKey: options.apiKey ?? 'local',
    fetch: options.fetch,
    maxRetries: 0,
    timeout: options.timeoutMs ?? 30_000,
  });
  const jsonSchema = toStrictJsonSchema(buildAnswerSchema(project.intents));

  async function askLlm(text: string, parseOptions: NluParseOptions): Promise<NluResult> {
    const system = buildNluPrompt(project, {
      examplesPerIntent: nlu.llmExamples,
      referenceTime: parseOptions.referenceTime ?? new Date(),
      pendingIntent: parseOptions.intent,
    });
    try {
      const result = await completeStructured({
        client,
        model: nlu.model,
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: text },
        ],
        schemaName: 'intent',
        jsonSchema,
        validate: (value) => validateAnswer(value, project.intents, text),
        headers: parseOptions.traceId ? { traceparent: `00-${parseOptions.traceId}-${randomBytes(8).toString('hex')}-01` } : undefined,
      });
      if (result.ok) {
        const { intent, entities } = result.value;
        const score = { name: intent, confidence: 1 };
        return { text, intent: score, ranking: [score], entities, rejected: [], path: 'llm', usage: result.usage };
      }
      return { ...local.parse(text, parseOptions), usage: result.usage, llmError: `invalid output twice: ${result.error}` };
    } catch (error) {
      const cause = unwrap(error);
      if (options.onUnavailable === 'throw' || (cause as { nonRetryable?: unknown }).nonRetryable === true) throw cause;
      return { ...local.parse(text, parseOptions), llmError: `LLM unavailable: ${cause.message}` };
    }
  }

  return {
    mode,
    fromCache: local.fromCache,
    trainMs: local.trainMs,
    parse: local.parse,
    async parseAsync(text, parseOptions = {}) {
      if (mode === 'cascade') {
        const first = local.parse(text, parseOptions);
        if (first.intent.name !== NONE_INTENT && first.intent.confidence >= nlu.cascadeThreshold) return first;
      }
      return askLlm(text, parseOptions);
    },
  };
}

// The SDK wraps what a custom fetch throws (a cassette miss) in its "Connection error."; an error of ours
// (one with a code) is the real one.
function unwrap(error: unknown): Error {
  const err = error instanceof Error ? error : new Error(String(error));
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error && typeof (cause as { code?: unknown }).code === 'string' ? cause : err;
}
