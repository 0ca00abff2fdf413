// Translates between OpenAI chat completions and Anthropic's Messages API: requests one way, answers and stream events the other.
import { z } from 'zod';
import { LlmError, UpstreamError } from '../errors.ts';
import type { ChatChunk, ChatCompletion, ChatMessage, ChatRequest, WireUsage } from '../wire.ts';

/** Anthropic requires max_tokens; OpenAI clients often leave it out. */
const DEFAULT_MAX_TOKENS = 4096;

/** The tool that carries structured output: Anthropic has no response_format, so the schema becomes a forced tool call. */
export const STRUCTURED_TOOL = 'structured_output';

/** The image types Anthropic accepts as base64 sources. */
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

// The OpenAI fields this module translates. wire.ts validates requests loosely, so these are checked here, where they are used.
const ResponseFormatSchema = z.looseObject({
  type: z.string(),
  json_schema: z
    .looseObject({ name: z.string().optional(), description: z.string().optional(), schema: z.record(z.string(), z.unknown()).optional() })
    .optional(),
});
const ToolSchema = z.looseObject({
  type: z.string(),
  function: z.looseObject({ name: z.string().min(1), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()).optional() }).optional(),
});
const ToolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string().min(1) }) }),
]);
const ToolCallSchema = z.looseObject({
  id: z.string().min(1),
  type: z.string().optional(),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string() }).optional(),
});
const TextPartSchema = z.looseObject({ type: z.literal('text'), text: z.string() });
const RefusalPartSchema = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });
const ImagePartSchema = z.looseObject({ type: z.literal('image_url'), image_url: z.looseObject({ url: z.string().min(1) }) });
const FilePartSchema = z.looseObject({
  type: z.literal('file'),
  file: z.looseObject({ file_data: z.string().min(1).optional(), file_id: z.string().optional(), filename: z.string().optional() }),
});

/** An Anthropic content block, as sent. */
type Block = { type: 'text'; text: string } | { type: string; [k: string]: unknown };

interface Turn {
  role: 'user' | 'assistant';
  content: Block[];
}

/** A Messages API request, and whether its answer's `structured_output` tool call is the answer text. */
export interface AnthropicCall {
  body: Record<string, unknown>;
  structured: boolean;
}

/** Validates `value` at `path` of the request body; a mismatch is the caller's 400, naming the field like chat-completions does. */
function parse<T>(schema: z.ZodType<T>, value: unknown, path: string, expected: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = [path, ...(issue?.path ?? [])].join('.');
  throw new LlmError('INVALID_REQUEST', `invalid request: body.${where}: ${issue?.message ?? 'invalid'} (expected ${expected})`);
}

function unsupported(path: string, what: string, model: string): LlmError {
  return new LlmError(
    'LLM_UNSUPPORTED_CONTENT',
    `body.${path}: ${what} cannot be sent to the Anthropic model "${model}"; send text, image_url, PDF file parts, tools and tool messages, or route the call to a model that takes it`,
  );
}

/**
 * The Messages API body for an OpenAI request: system messages become `system`, stop becomes `stop_sequences`, tools and
 * tool calls become Anthropic tools and `tool_use`/`tool_result` blocks, images become image blocks, a `json_schema` response
 * format becomes a tool call, and `json_object` an instruction. Anything it cannot express is an LlmError, never dropped.
 */
export function toAnthropicRequest(request: ChatRequest, stream: boolean): AnthropicCall {
  const model = request.model;
  if (request.functions != null || request.function_call != null) {
    throw unsupported(request.functions != null ? 'functions' : 'function_call', 'the legacy functions API', model);
  }
  const format = request.response_format == null ? undefined : parse(ResponseFormatSchema, request.response_format, 'response_format', '{type, json_schema?}');
  const tools = (request.tools == null ? [] : parse(z.array(ToolSchema), request.tools, 'tools', 'an array of function tools')).map((tool, i) => {
    if (tool.type !== 'function') throw unsupported(`tools.${i}`, `a "${tool.type}" tool`, model);
    if (!tool.function) throw new LlmError('INVALID_REQUEST', `invalid request: body.tools.${i}.function: required for a function tool`);
    const { name, description, parameters } = tool.function;
    if (name === STRUCTURED_TOOL && format?.type === 'json_schema') {
      throw new LlmError(
        'INVALID_REQUEST',
        `invalid request: body.tools.${i}.function.name: "${STRUCTURED_TOOL}" is reserved for response_format on Anthropic models; rename the tool`,
      );
    }
    // Anthropic requires a schema; OpenAI allows a function without parameters.
    return { name, ...(description !== undefined && { description }), input_schema: parameters ?? { type: 'object', properties: {} } };
  });
  const choice =
    request.tool_choice == null
      ? undefined
      : parse(ToolChoiceSchema, request.tool_choice, 'tool_choice', '"none", "auto", "required" or {type: "function", function: {name}}');
  let toolChoice: Record<string, unknown> | undefined;
  if (tools.length > 0 && (choice !== undefined || request.parallel_tool_calls === false)) {
    toolChoice =
      choice === undefined || choice === 'auto'
        ? { type: 'auto' }
        : choice === 'required'
          ? { type: 'any' }
          : choice === 'none'
            ? { type: 'none' }
            : { type: 'tool', name: choice.function.name };
    if (request.parallel_tool_calls === false && toolChoice.type !== 'none') toolChoice.disable_parallel_tool_use = true;
  }

  // Structured output next to the caller's tools. Alone, the structured tool is forced (the answer must be that JSON). With
  // tools: under "auto" both are offered and not forced, so the model may still call the caller's tools; under "none" the
  // caller's tools are only there for the history, so the structured tool is forced; under "required" or a named function
  // the answer is a tool call anyway, so the structured tool is left out.
  const wantsSchema = format?.type === 'json_schema';
  const structured = wantsSchema && (tools.length === 0 || choice === undefined || choice === 'auto' || choice === 'none');
  const forced = structured && (tools.length === 0 || choice === 'none');
  if (structured) {
    tools.push({
      name: STRUCTURED_TOOL,
      description: format.json_schema?.description ?? `Answer with ${format.json_schema?.name ?? 'the result'}.`,
      input_schema: format.json_schema?.schema ?? { type: 'object' },
    });
    if (forced) toolChoice = { type: 'tool', name: STRUCTURED_TOOL };
  }

  const system = request.messages.flatMap((m, i) =>
    m.role === 'system' || m.role === 'developer' ? [systemText(m.content, `messages.${i}.content`, model)] : [],
  );
  if (format?.type === 'json_object') system.push('Answer with a single JSON object and nothing else.');
  const stop = request.stop == null ? undefined : Array.isArray(request.stop) ? request.stop : [request.stop];
  return {
    body: {
      model,
      max_tokens: request.max_completion_tokens ?? request.max_tokens ?? DEFAULT_MAX_TOKENS,
      messages: toTurns(request.messages, model),
      ...(system.some(Boolean) && { system: system.join('\n\n') }),
      // OpenAI's temperature goes to 2, Anthropic's to 1.
      ...(request.temperature != null && { temperature: Math.min(1, request.temperature) }),
      ...(request.top_p != null && { top_p: request.top_p }),
      ...(stop && { stop_sequences: stop }),
      ...(tools.length > 0 && { tools }),
      ...(toolChoice && { tool_choice: toolChoice }),
      ...(stream && { stream: true }),
    },
    structured,
  };
}

/** The text of a system message: its string, or its text parts (anything else there is refused, not dropped). */
function systemText(content: ChatMessage['content'], path: string, model: string): string {
  if (typeof content === 'string' || content == null) return content ?? '';
  return content
    .map((part, j) => {
      if (part.type !== 'text') throw unsupported(`${path}.${j}`, `a "${part.type}" part in a system message`, model);
      return parse(TextPartSchema, part, `${path}.${j}`, '{type: "text", text}').text;
    })
    .join('');
}

/** Content blocks for a message's content: text, image and PDF file parts; other parts are refused. */
function contentBlocks(content: ChatMessage['content'], path: string, model: string): Block[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (content == null) return [];
  return content.map((part, j): Block => {
    const at = `${path}.${j}`;
    switch (part.type) {
      case 'text':
        return { type: 'text', text: parse(TextPartSchema, part, at, '{type: "text", text}').text };
      // An assistant's refusal in the history is what it said.
      case 'refusal':
        return { type: 'text', text: parse(RefusalPartSchema, part, at, '{type: "refusal", refusal}').refusal };
      case 'image_url':
        return imageBlock(parse(ImagePartSchema, part, at, '{type: "image_url", image_url: {url}}').image_url.url, `${at}.image_url.url`, model);
      case 'file':
        return documentBlock(parse(FilePartSchema, part, at, '{type: "file", file: {file_data, filename}}').file, `${at}.file`, model);
      default:
        throw unsupported(at, `a "${part.type}" content part`, model);
    }
  });
}

/** A PDF sent inline (`file_data` as a base64 data URL) becomes a document block; a file uploaded to OpenAI cannot travel. */
function documentBlock(file: z.infer<typeof FilePartSchema>['file'], path: string, model: string): Block {
  if (file.file_data === undefined) {
    throw unsupported(`${path}.file_id`, 'a file uploaded to OpenAI (file_id; send its content as file_data instead)', model);
  }
  const { mediaType, data } = base64DataUrl(file.file_data, `${path}.file_data`);
  if (mediaType !== 'application/pdf') throw unsupported(`${path}.file_data`, `a file of type ${mediaType} (Anthropic takes application/pdf)`, model);
  return { type: 'document', source: { type: 'base64', media_type: mediaType, data }, ...(file.filename && { title: file.filename }) };
}

/** The media type (lower case) and base64 data of a `data:<media type>;base64,<data>` URL; INVALID_REQUEST otherwise. */
function base64DataUrl(url: string, path: string): { mediaType: string; data: string } {
  const match = /^data:([^;,]+);base64,(.+)$/s.exec(url);
  if (!match?.[1] || !match[2]) throw new LlmError('INVALID_REQUEST', `invalid request: body.${path}: a data URL must be data:<media type>;base64,<data>`);
  return { mediaType: match[1].toLowerCase(), data: match[2] };
}

function imageBlock(url: string, path: string, model: string): Block {
  if (url.startsWith('data:')) {
    const { mediaType, data } = base64DataUrl(url, path);
    if (!IMAGE_TYPES.has(mediaType)) throw unsupported(path, `an image of type ${mediaType} (Anthropic takes ${[...IMAGE_TYPES].join(', ')})`, model);
    return { type: 'image', source: { type: 'base64', media_type: mediaType, data } };
  }
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw new LlmError('INVALID_REQUEST', `invalid request: body.${path}: an image URL must be https://… or a base64 data: URL`);
}

/** Anthropic's alternating user/assistant turns: tool results are user blocks, and consecutive same-role messages merge. */
function toTurns(messages: readonly ChatMessage[], model: string): Array<{ role: string; content: string | Block[] }> {
  const turns: Turn[] = [];
  const add = (role: Turn['role'], blocks: Block[]) => {
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  for (const [i, message] of messages.entries()) {
    const path = `messages.${i}`;
    switch (message.role) {
      case 'system':
      case 'developer':
        break;
      case 'user':
        add('user', contentBlocks(message.content, `${path}.content`, model));
        break;
      case 'assistant': {
        if (message.function_call != null) throw unsupported(`${path}.function_call`, 'the legacy function_call', model);
        const calls =
          message.tool_calls == null
            ? []
            : parse(z.array(ToolCallSchema), message.tool_calls, `${path}.tool_calls`, 'an array of {id, type: "function", function: {name, arguments}}');
        const uses = calls.map((call, j): Block => {
          if ((call.type ?? 'function') !== 'function' || !call.function) throw unsupported(`${path}.tool_calls.${j}`, `a "${call.type}" tool call`, model);
          return {
            type: 'tool_use',
            id: call.id,
            name: call.function.name,
            input: toolInput(call.function.arguments, `${path}.tool_calls.${j}.function.arguments`),
          };
        });
        add('assistant', [...contentBlocks(message.content, `${path}.content`, model), ...uses]);
        break;
      }
      case 'tool': {
        const id = parse(z.string().min(1), message.tool_call_id, `${path}.tool_call_id`, 'the id of the tool call this answers');
        const content =
          typeof message.content === 'string' || message.content == null ? (message.content ?? '') : contentBlocks(message.content, `${path}.content`, model);
        add('user', [{ type: 'tool_result', tool_use_id: id, content }]);
        break;
      }
      default:
        throw unsupported(`${path}.role`, `a "${message.role}" message (the legacy functions API; use tools and tool messages)`, model);
    }
  }
  return turns.map(({ role, content }) => {
    // Anthropic refuses empty text blocks next to others, and wants a user turn's tool results before its text.
    const blocks = content.filter((block) => block.type !== 'text' || block.text !== '');
    if (role === 'user') blocks.sort((a, b) => Number(b.type === 'tool_result') - Number(a.type === 'tool_result'));
    const [only] = blocks;
    // A lone text block goes as a plain string, as before tools were translated; no block at all is the empty string.
    if (blocks.length === 0) return { role, content: '' };
    return { role, content: blocks.length === 1 && only?.type === 'text' ? (only.text as string) : blocks };
  });
}

/** A tool call's arguments as Anthropic's `input` object: OpenAI sends a JSON string, which Anthropic cannot take unparsed. */
function toolInput(args: string, path: string): unknown {
  let input: unknown;
  try {
    input = JSON.parse(args === '' ? '{}' : args);
  } catch (error) {
    throw new LlmError(
      'INVALID_REQUEST',
      `invalid request: body.${path}: not valid JSON (${(error as Error).message}); send the arguments the model produced, as a JSON object string`,
    );
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new LlmError('INVALID_REQUEST', `invalid request: body.${path}: must be a JSON object, Anthropic takes tool input as an object`);
  }
  return input;
}

interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

const FINISH: Record<string, string> = { end_turn: 'stop', stop_sequence: 'stop', max_tokens: 'length', tool_use: 'tool_calls', refusal: 'content_filter' };

/**
 * Anthropic's usage in OpenAI's terms: prompt tokens include cache reads and writes; cached tokens are the reads, and
 * the writes (billed above the input price) ride along as `cache_creation_input_tokens`, as LiteLLM reports them.
 */
export function toWireUsage(usage: AnthropicUsage): WireUsage {
  const cached = usage.cache_read_input_tokens ?? 0;
  const written = usage.cache_creation_input_tokens ?? 0;
  const input = (usage.input_tokens ?? 0) + cached + written;
  const output = usage.output_tokens ?? 0;
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    prompt_tokens_details: { cached_tokens: cached },
    ...(written > 0 && { cache_creation_input_tokens: written }),
  };
}

interface AnswerBlock {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
}

/**
 * A Messages API answer as a chat completion: `tool_use` blocks become `tool_calls`; with `structured`, a call of the
 * structured-output tool is the answer's JSON text instead.
 */
export function fromAnthropicResponse(body: unknown, structured = false): ChatCompletion {
  const message = body as { id?: string; type?: string; model?: string; content?: AnswerBlock[]; stop_reason?: string; usage?: AnthropicUsage };
  if (message?.type !== 'message' || !Array.isArray(message.content)) {
    throw new UpstreamError('malformed', 'Anthropic answered JSON that is not a message (no "content" array)');
  }
  const isAnswer = (block: AnswerBlock) => structured && block.type === 'tool_use' && block.name === STRUCTURED_TOOL;
  const answer = message.content.find(isAnswer);
  const calls = message.content
    .filter((block) => block.type === 'tool_use' && !isAnswer(block))
    .map((block, i) => ({ id: block.id ?? `call_${i}`, type: 'function', function: { name: block.name ?? '', arguments: JSON.stringify(block.input ?? {}) } }));
  const text = answer ? JSON.stringify(answer.input ?? {}) : message.content.map((block) => (block.type === 'text' ? (block.text ?? '') : '')).join('');
  // The structured tool's call is the answer, not a tool call the client must run.
  const finish = calls.length > 0 ? 'tool_calls' : message.stop_reason === 'tool_use' ? 'stop' : (FINISH[message.stop_reason ?? ''] ?? 'stop');
  return {
    id: message.id ?? 'msg',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: message.model ?? 'unknown',
    choices: [
      {
        index: 0,
        // OpenAI answers a tool-call-only message with null content.
        message: { role: 'assistant', content: calls.length > 0 && text === '' ? null : text, ...(calls.length > 0 && { tool_calls: calls }) },
        finish_reason: finish,
      },
    ],
    ...(message.usage && { usage: toWireUsage(message.usage) }),
  };
}

/** What an Anthropic content block of a stream becomes: answer text, or the OpenAI tool call with this index. */
type StreamBlock = { kind: 'text' } | { kind: 'answer' } | { kind: 'tool'; index: number };

/**
 * Turns Anthropic stream events into OpenAI chunks; `push` returns the chunks one event produces. Tool calls are numbered
 * 0, 1, … over tool_use blocks only, as OpenAI does; with `structured`, the structured-output tool's input streams as text.
 */
export function createStreamTranslator(structured = false) {
  let id = 'msg';
  let model = 'unknown';
  let usage: AnthropicUsage | undefined;
  let stopped = false;
  let toolCalls = 0;
  const blocks = new Map<number, StreamBlock>();
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: ChatChunk['choices'][number]['delta'], finish: string | null = null): ChatChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  // With structured output, text the model writes before calling the structured tool is not the answer (the
  // non-streamed translation drops it too): it is held until the answer turns out to be text after all.
  let held: string[] = [];
  const text = (content: string): ChatChunk[] => {
    if (!structured) return [chunk({ content })];
    held.push(content);
    return [];
  };
  const release = (): ChatChunk[] => {
    const content = held.join('');
    held = [];
    return content ? [chunk({ content })] : [];
  };
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
        case 'content_block_start': {
          const block = data.content_block as AnswerBlock | undefined;
          const at = typeof data.index === 'number' ? data.index : blocks.size;
          if (block?.type === 'tool_use' && structured && block.name === STRUCTURED_TOOL) {
            held = [];
            blocks.set(at, { kind: 'answer' });
            return [];
          }
          if (block?.type !== 'tool_use') {
            blocks.set(at, { kind: 'text' });
            return block?.type === 'text' && block.text ? text(block.text) : [];
          }
          const index = toolCalls++;
          blocks.set(at, { kind: 'tool', index });
          return [
            ...release(),
            chunk({ tool_calls: [{ index, id: block.id ?? `call_${index}`, type: 'function', function: { name: block.name ?? '', arguments: '' } }] }),
          ];
        }
        case 'content_block_delta': {
          const delta = data.delta as { type?: string; text?: string; partial_json?: string } | undefined;
          if (delta?.type === 'text_delta' && delta.text) return text(delta.text);
          if (delta?.type !== 'input_json_delta' || !delta.partial_json) return [];
          const block = typeof data.index === 'number' ? blocks.get(data.index) : undefined;
          if (block?.kind === 'tool') return [chunk({ tool_calls: [{ index: block.index, function: { arguments: delta.partial_json } }] })];
          // Structured output streams as the structured tool's input JSON: relayed as the answer's text.
          return [chunk({ content: delta.partial_json })];
        }
        case 'message_delta': {
          const delta = data.delta as { stop_reason?: string } | undefined;
          const deltaUsage = data.usage as AnthropicUsage | undefined;
          if (deltaUsage) usage = { ...usage, ...Object.fromEntries(Object.entries(deltaUsage).filter(([, v]) => v != null)) };
          // Only the caller's tools make a tool_calls finish; the structured tool's call is the answer.
          const finish = delta?.stop_reason === 'tool_use' ? (toolCalls > 0 ? 'tool_calls' : 'stop') : FINISH[delta?.stop_reason ?? ''];
          return delta?.stop_reason ? [...release(), chunk({}, finish ?? 'stop')] : [];
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
