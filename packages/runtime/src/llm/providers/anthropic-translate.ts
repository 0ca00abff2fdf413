// Translates between OpenAI chat completions and Anthropic's Messages API: requests one way, answers and stream events the other.
import { UpstreamError } from '../errors.ts';
import { type ChatChunk, type ChatCompletion, type ChatRequest, contentText, type WireUsage } from '../wire.ts';

/** Anthropic requires max_tokens; OpenAI clients often leave it out. */
const DEFAULT_MAX_TOKENS = 4096;

/** The tool that carries structured output: Anthropic has no response_format, so the schema becomes a forced tool call. */
export const STRUCTURED_TOOL = 'structured_output';

interface ResponseFormat {
  type?: string;
  json_schema?: { name?: string; description?: string; schema?: Record<string, unknown> };
}

/**
 * The Messages API body for an OpenAI request: system messages become `system`, stop becomes `stop_sequences`,
 * a `json_schema` response format becomes a forced tool call, and `json_object` an instruction.
 */
export function toAnthropicRequest(request: ChatRequest, stream: boolean): Record<string, unknown> {
  const format = request.response_format as ResponseFormat | undefined;
  const system = [
    ...request.messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => contentText(m.content)),
    ...(format?.type === 'json_object' ? ['Answer with a single JSON object and nothing else.'] : []),
  ].join('\n\n');
  const structured = format?.type === 'json_schema' && {
    tools: [
      {
        name: STRUCTURED_TOOL,
        description: format.json_schema?.description ?? `Answer with ${format.json_schema?.name ?? 'the result'}.`,
        input_schema: format.json_schema?.schema ?? { type: 'object' },
      },
    ],
    tool_choice: { type: 'tool', name: STRUCTURED_TOOL },
  };
  const messages = request.messages.filter((m) => m.role === 'user' || m.role === 'assistant').map((m) => ({ role: m.role, content: contentText(m.content) }));
  const stop = request.stop == null ? undefined : Array.isArray(request.stop) ? request.stop : [request.stop];
  return {
    model: request.model,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? DEFAULT_MAX_TOKENS,
    messages,
    ...(system && { system }),
    // OpenAI's temperature goes to 2, Anthropic's to 1.
    ...(request.temperature != null && { temperature: Math.min(1, request.temperature) }),
    ...(request.top_p != null && { top_p: request.top_p }),
    ...(stop && { stop_sequences: stop }),
    ...structured,
    ...(stream && { stream: true }),
  };
}

interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

const FINISH: Record<string, string> = { end_turn: 'stop', stop_sequence: 'stop', max_tokens: 'length', tool_use: 'tool_calls', refusal: 'content_filter' };

/** Anthropic's usage in OpenAI's terms: prompt tokens include cache reads and writes; cached tokens are the reads. */
export function toWireUsage(usage: AnthropicUsage): WireUsage {
  const cached = usage.cache_read_input_tokens ?? 0;
  const input = (usage.input_tokens ?? 0) + cached + (usage.cache_creation_input_tokens ?? 0);
  const output = usage.output_tokens ?? 0;
  return { prompt_tokens: input, completion_tokens: output, total_tokens: input + output, prompt_tokens_details: { cached_tokens: cached } };
}

/** A Messages API answer as a chat completion; a structured-output tool call becomes the JSON text of the answer. */
export function fromAnthropicResponse(body: unknown): ChatCompletion {
  const message = body as {
    id?: string;
    type?: string;
    model?: string;
    content?: Array<{ type: string; text?: string; name?: string; input?: unknown }>;
    stop_reason?: string;
    usage?: AnthropicUsage;
  };
  if (message?.type !== 'message' || !Array.isArray(message.content)) {
    throw new UpstreamError('malformed', 'Anthropic answered JSON that is not a message (no "content" array)');
  }
  const tool = message.content.find((block) => block.type === 'tool_use' && block.name === STRUCTURED_TOOL);
  const text = tool ? JSON.stringify(tool.input ?? {}) : message.content.map((block) => (block.type === 'text' ? (block.text ?? '') : '')).join('');
  if (tool) message.stop_reason = 'end_turn';
  return {
    id: message.id ?? 'msg',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: message.model ?? 'unknown',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: FINISH[message.stop_reason ?? ''] ?? 'stop' }],
    ...(message.usage && { usage: toWireUsage(message.usage) }),
  };
}

/** Turns Anthropic stream events into OpenAI chunks; `push` returns the chunks one event produces. */
export function createStreamTranslator() {
  let id = 'msg';
  let model = 'unknown';
  let usage: AnthropicUsage | undefined;
  let stopped = false;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: ChatChunk['choices'][number]['delta'], finish: string | null = null): ChatChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  return {
    get stopped() {
      return stopped;
    },
    push(type: string | undefined, data: Record<string, unknown>): ChatChunk[] {
      switch (type ?? data.type) {
        case 'message_start': {
          const message = data.message as { id?: string; model?: string; usage?: AnthropicUsage } | undefined;
          id = message?.id ?? id;
          model = message?.model ?? model;
          usage = { ...message?.usage };
          return [chunk({ role: 'assistant', content: '' })];
        }
        case 'content_block_delta': {
          const delta = data.delta as { type?: string; text?: string; partial_json?: string } | undefined;
          if (delta?.type === 'text_delta' && delta.text) return [chunk({ content: delta.text })];
          // Structured output streams as the forced tool's input JSON: relayed as the answer's text.
          if (delta?.type === 'input_json_delta' && delta.partial_json) return [chunk({ content: delta.partial_json })];
          return [];
        }
        case 'message_delta': {
          const delta = data.delta as { stop_reason?: string } | undefined;
          const deltaUsage = data.usage as AnthropicUsage | undefined;
          if (deltaUsage) usage = { ...usage, ...Object.fromEntries(Object.entries(deltaUsage).filter(([, v]) => v != null)) };
          const finish = delta?.stop_reason === 'tool_use' ? 'stop' : FINISH[delta?.stop_reason ?? ''];
          return delta?.stop_reason ? [chunk({}, finish ?? 'stop')] : [];
        }
        case 'message_stop': {
          stopped = true;
          return usage ? [{ id, object: 'chat.completion.chunk', created, model, choices: [], usage: toWireUsage(usage) }] : [];
        }
        case 'error': {
          const error = data.error as { type?: string; message?: string } | undefined;
          throw new UpstreamError(
            'status',
            `Anthropic streamed an error: ${error?.message ?? error?.type ?? 'unknown'}`,
            error?.type === 'overloaded_error' ? 529 : 500,
          );
        }
        default:
          return [];
      }
    },
  };
}
