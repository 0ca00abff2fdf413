// POST /chat/completions, framework-free: auth, validation, routing, redaction, cache, budget, the call, and its ledger record.

import { newTraceId } from '../contracts/ids.ts';
import type { UsageStatus } from '../store/types.ts';
import { COST_HEADER } from '../structured-output/llm-usage.ts';
import type { Caller } from './api-keys.ts';
import type { Reservation } from './budgets.ts';
import { routeModel, type Target } from './config.ts';
import { costOf, findPrice } from './cost.ts';
import { LlmError } from './errors.ts';
import type { LlmGateway } from './llm-gateway.ts';
import { promptSize, toolCallsText } from './prompt-size.ts';
import { cacheKeyOf } from './response-cache.ts';
import { openCall } from './router.ts';
import { completionFromStream, type RelayResult, relayStream, replayAsStream } from './stream-relay.ts';
import { estimateUsage, type Usage, usageFromWire } from './usage.ts';
import { type ChatRequest, ChatRequestSchema, contentText } from './wire.ts';

export interface ChatCall {
  body: unknown;
  authorization?: string;
  /** The caller's trace, so the LLM span joins it. */
  trace?: { traceId: string; spanId: string };
  conversationId?: string;
  /**
   * Registers `listener` to run if the client goes away before the answer is complete. A callback rather than an
   * AbortSignal: a signal and its listeners are a measurable share of a call's CPU (docs/benchmarks.md).
   */
  onClientGone(listener: () => void): void;
}

/** What to send back: a JSON answer (success or `{error}`), or SSE lines. */
export type ChatAnswer =
  | { kind: 'json'; status: number; body: unknown; headers: Record<string, string> }
  | { kind: 'stream'; headers: Record<string, string>; events: AsyncIterable<string> | Iterable<string> };

/** Recorded in the ledger (never sent) when the client leaves mid-call. */
const CLIENT_CLOSED = 'CLIENT_CLOSED';
const ZERO: Usage = { inputTokens: 0, outputTokens: 0, cachedTokens: 0, estimated: false };
const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' };

/** Answers one chat-completions call. Never throws: every failure is an answer. */
export async function handleChatCompletion(gateway: LlmGateway, call: ChatCall): Promise<ChatAnswer> {
  const startMs = Date.now();
  const traceId = call.trace?.traceId ?? newTraceId();
  const headers = { 'x-trace-id': traceId };
  let caller: Caller;
  let request: ChatRequest;
  let targets: readonly Target[];
  try {
    caller = gateway.authenticate(call.authorization);
    const parsed = ChatRequestSchema.safeParse(call.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new LlmError('INVALID_REQUEST', `invalid request: body.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'not a chat completion request'}`);
    }
    request = parsed.data;
    targets = routeModel(gateway.config, request.model);
  } catch (error) {
    return errorAnswer(gateway, error, headers);
  }
  const stream = request.stream === true;
  /** Writes the ledger record: what the call `spent` (cost and tokens), and `written`, which settles (never rejects) once the record is committed. */
  const record = (outcome: {
    target?: Target;
    upstreamModel?: string;
    usage: Usage;
    status: UsageStatus;
    errorCode?: string;
    cacheHit?: boolean;
    attempts?: number;
  }) => {
    const target = outcome.target ?? targets[0];
    const price = target && priceOf(gateway, request.model, target, targets);
    const costUsd = outcome.cacheHit ? 0 : costOf(outcome.usage, price);
    const written = gateway.ledger
      .record({
        traceId,
        ...(call.trace && { parentSpanId: call.trace.spanId }),
        conversationId: call.conversationId ?? 'llm',
        startMs,
        model: request.model,
        provider: target?.provider ?? 'none',
        ...(outcome.upstreamModel && outcome.upstreamModel !== request.model && { upstreamModel: outcome.upstreamModel }),
        usage: outcome.usage,
        costUsd,
        cacheHit: outcome.cacheHit ?? false,
        apiKeyId: caller.keyId,
        status: outcome.status,
        ...(outcome.errorCode && { errorCode: outcome.errorCode }),
        attempts: outcome.attempts ?? 0,
        stream,
      })
      // The ledger logs its own store failures; this catches the rest, so an answer never waits on or fails by it.
      .catch((error: unknown) => gateway.logger.error({ err: error, traceId }, 'could not record the LLM call'));
    return { written, spent: { costUsd, tokens: outcome.usage.inputTokens + outcome.usage.outputTokens } };
  };

  if (gateway.redactor) request = { ...request, messages: gateway.redactor.redact(request.messages).messages };
  const cacheKey = gateway.cache ? cacheKeyOf(request) : undefined;
  const cached = cacheKey ? gateway.cache?.get(cacheKey) : undefined;
  if (cached) {
    await record({ usage: ZERO, status: 'ok', cacheHit: true }).written;
    const hitHeaders = { ...headers, 'x-cache': 'hit', [COST_HEADER]: '0' };
    if (stream)
      return { kind: 'stream', headers: { ...SSE_HEADERS, ...hitHeaders }, events: replayAsStream(cached, request.stream_options?.include_usage === true) };
    return { kind: 'json', status: 200, body: cached, headers: hitHeaders };
  }

  let reservation: Reservation;
  try {
    reservation = await gateway.budgets.reserve(caller.keyId, caller.budget, () => expectedSpend(gateway, request, targets));
  } catch (error) {
    if (error instanceof LlmError) await record({ usage: ZERO, status: 'failed', errorCode: error.code }).written;
    return errorAnswer(gateway, error, headers);
  }

  const controller = new AbortController();
  let clientGone = false;
  let finished = false;
  call.onClientGone(() => {
    if (finished) return;
    clientGone = true;
    controller.abort(Object.assign(new Error('the client closed the connection'), { code: CLIENT_CLOSED }));
  });
  const totalMs = gateway.config.timeouts.totalMs;
  const totalTimer = setTimeout(
    () => controller.abort(new LlmError('LLM_UPSTREAM_TIMEOUT', `the call took longer than llm.timeouts.total (${totalMs} ms)`)),
    totalMs,
  );
  // The reservation is released once the real cost is committed, so a budget check always sees one of the two.
  const finish = ({ written, spent }: { written: Promise<void>; spent: { costUsd: number; tokens: number } }) => {
    clearTimeout(totalTimer);
    finished = true;
    void written.then(() => reservation.release(spent));
  };

  let opened: Awaited<ReturnType<typeof openCall>>;
  try {
    opened = await openCall(gateway, request.model, targets, request, { stream, signal: controller.signal });
  } catch (error) {
    const recorded = record({
      usage: ZERO,
      status: 'failed',
      errorCode: error instanceof LlmError ? error.code : clientGone ? CLIENT_CLOSED : 'INTERNAL_ERROR',
    });
    finish(recorded);
    await recorded.written;
    // Nobody is left to read the answer; 499 is what proxies log for it.
    if (clientGone) return { kind: 'json', status: 499, body: { error: { code: CLIENT_CLOSED, message: 'the client closed the connection' } }, headers };
    return errorAnswer(gateway, error, headers);
  }

  if (opened.kind === 'complete') {
    const completion = opened.completion;
    // What the model wrote, tool calls' names and arguments included: counted when the provider reports no usage.
    const text = completion.choices.map((c) => contentText(c.message?.content as string | null) + toolCallsText(c.message?.tool_calls)).join('');
    const usage = usageFromWire(completion.usage, text) ?? (await estimateUsage(request, text));
    const recorded = record({ target: opened.target, upstreamModel: completion.model, usage, status: 'ok', attempts: opened.attempts });
    finish(recorded);
    // Awaited, so a client that has the answer finds the call in the ledger. The wait is one event-loop turn (the group
    // commit) and measured no slower at 10 connections than answering first: the answers of a turn then leave
    // together and more records share a commit (docs/benchmarks.md).
    await recorded.written;
    if (cacheKey) gateway.cache?.set(cacheKey, completion);
    // The cost rides along so callers (the nlp service, prompts, `bot test`) can account for it without a ledger query.
    const costHeaders = { [COST_HEADER]: String(recorded.spent.costUsd), ...(usage.estimated && { 'x-usage-estimated': 'true' }) };
    return { kind: 'json', status: 200, body: completion, headers: { ...headers, ...costHeaders } };
  }

  const firstChunk = opened.first.done ? undefined : opened.first.value;
  const events = relayStream({
    first: opened.first,
    rest: opened.rest,
    includeUsage: request.stream_options?.include_usage === true,
    describeError: (error) =>
      clientGone
        ? { code: CLIENT_CLOSED, message: 'the client closed the connection' }
        : error instanceof LlmError
          ? { code: error.code, message: error.message }
          : {
              code: 'LLM_STREAM_INTERRUPTED',
              message: `the stream from ${opened.target.provider}/${opened.target.model} broke after part of the answer was sent: ${error instanceof Error ? error.message : String(error)}`,
            },
    onEnd: async (result: RelayResult) => {
      clearTimeout(totalTimer);
      const status: UsageStatus = result.errorCode ? 'partial' : 'ok';
      const usage = usageFromWire(result.usage, result.text) ?? (await estimateUsage(request, result.text));
      const recorded = record({
        target: opened.target,
        upstreamModel: firstChunk?.model,
        usage,
        status,
        attempts: opened.attempts,
        ...(result.errorCode && { errorCode: result.errorCode }),
      });
      finish(recorded);
      await recorded.written;
      if (cacheKey && status === 'ok' && !result.hasToolCalls) gateway.cache?.set(cacheKey, completionFromStream(firstChunk, result));
    },
  });
  return { kind: 'stream', headers: { ...SSE_HEADERS, ...headers }, events };
}

/**
 * What a call is reserved against the budgets before it goes out: its prompt, at ~4 characters a token (no tokenizer
 * on every call), tool definitions and images included, at the price of its dearest target (a fallback may serve it).
 * Not its answer: a budget refuses a call once it is spent, not one whose `max_tokens` might overrun it.
 */
function expectedSpend(gateway: LlmGateway, request: ChatRequest, targets: readonly Target[]): { costUsd: number; tokens: number } {
  const { messageTexts, toolsText, imageTokens } = promptSize(request);
  const characters = messageTexts.reduce((sum, text) => sum + text.length, toolsText.length);
  const tokens = Math.ceil(characters / 4) + imageTokens;
  const usage = { inputTokens: tokens, outputTokens: 0, cachedTokens: 0, estimated: true };
  const costUsd = Math.max(0, ...targets.map((target) => costOf(usage, priceOf(gateway, request.model, target, targets))));
  return { tokens, costUsd };
}

/** The served model's price; a price set for the name the client asked for applies to its first target only. */
function priceOf(gateway: LlmGateway, alias: string, target: Target, targets: readonly Target[]) {
  return findPrice(target.model, gateway.config.prices) ?? (target === targets[0] ? gateway.config.prices[alias] : undefined);
}

function errorAnswer(gateway: LlmGateway, error: unknown, headers: Record<string, string>): ChatAnswer {
  if (!(error instanceof LlmError)) gateway.logger.error({ err: error, traceId: headers['x-trace-id'] }, 'llm call failed unexpectedly');
  const llm =
    error instanceof LlmError ? error : new LlmError('LLM_UPSTREAM_ERROR', 'the gateway failed to handle the call; try again, and report it if it persists');
  return {
    kind: 'json',
    status: llm.status,
    body: { error: { code: llm.code, message: llm.message, type: llm.status >= 500 ? 'server_error' : 'invalid_request_error' } },
    headers: { ...headers, ...(llm.retryAfterS !== undefined && { 'retry-after': String(llm.retryAfterS) }) },
  };
}
