// What LLM calls cost: tokens from the response's `usage`, dollars from the gateway's cost header.
import type { ChatCompletion } from 'openai/resources/chat/completions';

/** Tokens and cost of one or more LLM calls. */
export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
  /** As reported by the gateway (`x-inputbot-cost-usd`); 0 when the endpoint reports no cost. */
  costUsd: number;
  llmCalls: number;
}

/** The header the gateway's `/llm/v1` sets on every answer with the call's cost in US dollars. */
export const COST_HEADER = 'x-inputbot-cost-usd';

export const NO_USAGE: LlmUsage = Object.freeze({ inputTokens: 0, outputTokens: 0, costUsd: 0, llmCalls: 0 });

export function addUsage(a: LlmUsage, b: LlmUsage): LlmUsage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    costUsd: a.costUsd + b.costUsd,
    llmCalls: a.llmCalls + b.llmCalls,
  };
}

/** The usage of one completion; the cost header wins over a `cost` field some gateways put in `usage`. */
export function usageOf(completion: ChatCompletion, headers: Headers): LlmUsage {
  const usage = completion.usage as (ChatCompletion['usage'] & { cost?: unknown; cost_usd?: unknown }) | undefined;
  const header = Number.parseFloat(headers.get(COST_HEADER) ?? '');
  const inBody = Number(usage?.cost_usd ?? usage?.cost);
  const costUsd = Number.isFinite(header) ? header : Number.isFinite(inBody) ? inBody : 0;
  return { inputTokens: usage?.prompt_tokens ?? 0, outputTokens: usage?.completion_tokens ?? 0, costUsd, llmCalls: 1 };
}
