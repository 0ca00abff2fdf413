// Builds the gateway's OpenAPI 3.1 document from the same zod schemas that validate its requests.
import { z } from 'zod';
import { ChatRequestSchema } from '../../llm/wire.ts';
import { ErrorBodySchema } from '../http/errors.ts';
import {
  AcceptedSchema,
  ConversationParamsSchema,
  HealthSchema,
  MessageIdParamsSchema,
  MessageRecordSchema,
  MessageReplySchema,
  PostMessageBodySchema,
  PostMessageQuerySchema,
  ReadySchema,
  StreamEventSchemas,
} from './api-schemas.ts';
import { UsageQuerySchema } from './usage-routes.ts';

type Io = 'input' | 'output';

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) of a zod schema, without the `$schema` key that OpenAPI does not want inline. */
function jsonSchema(schema: z.ZodType, io: Io): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ content: { 'application/json': { schema: ref(name) } } });
const error = (description: string) => ({ description, ...json('Error') });

function parameters(where: 'path' | 'query', schema: z.ZodObject): unknown[] {
  const shape = jsonSchema(schema, 'input') as { properties: Record<string, { description?: string }>; required?: string[] };
  return Object.entries(shape.properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (shape.required?.includes(name) ?? false),
    ...(property.description && { description: property.description }),
    schema: property,
  }));
}

/** The OpenAPI 3.1 document of the gateway's API. */
export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const clientErrors = {
    '400': error('The body or a parameter is invalid (INVALID_JSON, INVALID_UTF8, INVALID_REQUEST naming the field, NESTING_TOO_DEEP).'),
    '413': error('BODY_TOO_LARGE'),
    '415': error('UNSUPPORTED_MEDIA_TYPE: only application/json (UTF-8) is accepted.'),
  };
  return {
    openapi: '3.1.0',
    info: { title: 'inputbot gateway', version, description: 'Send messages to the bot and receive its replies.' },
    paths: {
      '/v1/messages': {
        post: {
          operationId: 'postMessage',
          summary: 'Send a message to the bot',
          parameters: parameters('query', PostMessageQuerySchema),
          requestBody: { required: true, ...json('PostMessage') },
          responses: {
            '200': { description: 'The reply (with ?wait, when it came in time).', ...json('MessageReply') },
            '202': {
              description: 'Accepted (the ids); with ?wait, the reply did not come in time (a MessageReply with status "pending").',
              content: { 'application/json': { schema: { oneOf: [ref('Accepted'), ref('MessageReply')] } } },
            },
            ...clientErrors,
            '409': error('IDEMPOTENCY_KEY_IN_USE: a request with the same key is still being processed.'),
            '503': error('RECEIVER_UNAVAILABLE: the bot is not accepting messages right now.'),
          },
        },
      },
      '/v1/messages/{id}': {
        get: {
          operationId: 'getMessage',
          summary: "A message's status and reply",
          parameters: parameters('path', MessageIdParamsSchema),
          responses: {
            '200': { description: 'The message.', ...json('MessageRecord') },
            '400': error('INVALID_REQUEST: the id is not a message id.'),
            '404': error('MESSAGE_NOT_FOUND'),
          },
        },
      },
      '/v1/conversations/{id}/events': {
        get: {
          operationId: 'streamConversation',
          summary: "A conversation's events as server-sent events: recognized, clarification, reply",
          parameters: parameters('path', ConversationParamsSchema),
          responses: {
            '200': {
              description: 'A text/event-stream; each event\'s data is the JSON of the schema named after it; ": heartbeat" comments keep it open.',
              content: { 'text/event-stream': { schema: { type: 'string' } } },
            },
            '400': error('INVALID_REQUEST: the conversation id is invalid.'),
          },
        },
      },
      '/llm/v1/chat/completions': {
        post: {
          operationId: 'chatCompletions',
          summary: 'OpenAI-compatible chat completions through the LLM gateway (any OpenAI client; stream or not)',
          description:
            "Routed by `model` to a configured provider, with retries, fallback, budgets, cache and redaction; every call lands in the usage ledger. The answer is OpenAI's wire format; `x-inputbot-cost-usd` carries the call's cost. A bearer key is required when `llm.keys` is configured.",
          requestBody: { required: true, ...json('ChatRequest') },
          responses: {
            '200': {
              description:
                'A chat.completion object, or with `stream: true` a text/event-stream of chat.completion.chunk objects ending in `[DONE]` (or an error event if the upstream stream breaks).',
              content: { 'application/json': { schema: { type: 'object' } }, 'text/event-stream': { schema: { type: 'string' } } },
            },
            '400': error('INVALID_REQUEST (not a chat completion request) or LLM_UPSTREAM_REJECTED (the provider refused it).'),
            '401': error('LLM_UNAUTHORIZED: the API key is missing or unknown.'),
            '404': error('LLM_MODEL_NOT_FOUND: the model routes to no provider.'),
            '429': error('BUDGET_EXCEEDED (over a daily budget; the message names it) or LLM_RATE_LIMITED (after retries).'),
            '502': error('LLM_UPSTREAM_ERROR, LLM_UPSTREAM_MALFORMED, LLM_UPSTREAM_UNREACHABLE or LLM_PROVIDER_AUTH_FAILED, after retries and fallback.'),
            '503': error('LLM_PROVIDER_NOT_CONFIGURED or LLM_TARGETS_COOLING_DOWN.'),
            '504': error('LLM_UPSTREAM_TIMEOUT.'),
          },
        },
      },
      '/llm/v1/models': {
        get: {
          operationId: 'listModels',
          summary: "The models the gateway routes, in OpenAI's list format",
          responses: {
            '200': {
              description: '`{object: "list", data: [{id, object: "model", owned_by}]}`.',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
          },
        },
      },
      '/v1/usage': {
        get: {
          operationId: 'usage',
          summary:
            'The LLM usage ledger: totals, by model, API key and UTC day, for calls started in [from, to); a key that is not `admin` sees its own calls only',
          parameters: parameters('query', UsageQuerySchema),
          responses: {
            '200': { description: 'Calls, tokens, cost (USD), cache hits and failures.', content: { 'application/json': { schema: { type: 'object' } } } },
            '400': error('INVALID_REQUEST: from/to are not epoch milliseconds or ISO dates.'),
            '401': error('LLM_UNAUTHORIZED: the API key is missing or unknown.'),
          },
        },
      },
      '/v1/prompts/{name}': {
        post: {
          operationId: 'runPrompt',
          summary: "Runs a project's prompt (prompts/*.ts) with the body as its variables",
          parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 200 } }],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', description: "The prompt's `input` schema." } } } },
          responses: {
            '200': {
              description: "The model's text, or with an `output` schema the validated object, with usage and cost.",
              content: { 'application/json': { schema: { type: 'object' } } },
            },
            '400': error("INVALID_REQUEST: the variables do not match the prompt's input schema."),
            '401': error('LLM_UNAUTHORIZED: llm.keys are configured and the bearer key is missing or unknown.'),
            '404': error('PROMPT_NOT_FOUND'),
            '429': error("BUDGET_EXCEEDED or LLM_RATE_LIMITED: the key's budget is spent, or the provider's rate limit outlasted the retries."),
            '502': error("LLM_FAILED or OUTPUT_INVALID: the model failed, or its output did not match the prompt's output schema."),
          },
        },
      },
      '/healthz': { get: { operationId: 'health', summary: 'The process is up', responses: { '200': { description: 'Up.', ...json('Health') } } } },
      '/readyz': {
        get: {
          operationId: 'ready',
          summary: 'The receiver is reachable and the broker subscribed',
          responses: { '200': { description: 'Ready.', ...json('Ready') }, '503': error('NOT_READY, with the failing checks in details.') },
        },
      },
      '/metrics': {
        get: {
          operationId: 'metrics',
          summary: 'Prometheus metrics',
          responses: { '200': { description: 'Prometheus text format.', content: { 'text/plain': { schema: { type: 'string' } } } } },
        },
      },
    },
    components: {
      schemas: {
        PostMessage: jsonSchema(PostMessageBodySchema, 'input'),
        Accepted: jsonSchema(AcceptedSchema, 'output'),
        MessageReply: jsonSchema(MessageReplySchema, 'output'),
        MessageRecord: jsonSchema(MessageRecordSchema, 'output'),
        RecognizedEvent: jsonSchema(StreamEventSchemas.recognized, 'output'),
        ClarificationEvent: jsonSchema(StreamEventSchemas.clarification, 'output'),
        ReplyEvent: jsonSchema(StreamEventSchemas.reply, 'output'),
        Health: jsonSchema(HealthSchema, 'output'),
        Ready: jsonSchema(ReadySchema, 'output'),
        Error: jsonSchema(ErrorBodySchema, 'output'),
        ChatRequest: jsonSchema(ChatRequestSchema, 'input'),
      },
    },
  };
}
