// The Store interface: message status, conversation context, the idempotency ledger and spans, shared by every service.
import type { ErrorData } from '../contracts/error-data.ts';
import type { Span } from '../contracts/span.ts';

/** Where a message is on its way through the bot. */
export type MessageStatus = 'received' | 'recognized' | 'clarifying' | 'executing' | 'completed' | 'failed';

/** A message's status and, once there is one, its reply. */
export interface MessageRecord {
  id: string;
  conversationId: string;
  traceId: string;
  tenant: string;
  status: MessageStatus;
  intent?: string;
  reply?: string;
  data?: Record<string, unknown>;
  error?: ErrorData;
  /** Epoch ms of the first and the latest update. */
  createdAt: number;
  updatedAt: number;
}

/** An update: the identity and status, plus whichever fields changed (fields left out keep their value). */
export type MessageUpdate = Omit<MessageRecord, 'createdAt' | 'updatedAt'>;

/** What nlp remembers about a conversation between turns (multi-turn slot filling, confirmations). */
export interface ConversationContext {
  /** The intent waiting for more input. */
  pendingIntent?: string;
  /** Entities filled so far. */
  entities: Record<string, unknown>;
  /** What the last question asked for. */
  awaiting?: { kind: 'slot'; entity: string } | { kind: 'confirmation' };
  /** The input that started the pending intent. */
  inputId?: string;
}

/**
 * The result of {@link Store.claim}. `first`: run the side effect, then `complete` (or `release` on failure); its
 * `token` names this claimer, so a claimer whose claim was taken over as stale can no longer renew or release it.
 * `duplicate`: someone already did (`completed`, with the stored result) or is doing it (`in-progress`).
 */
export type ClaimResult =
  | { status: 'first'; token: string }
  | { status: 'duplicate'; state: 'completed'; result: unknown }
  | { status: 'duplicate'; state: 'in-progress'; claimedAt: number };

/** A state change that {@link Store.completeOnce} applies together with its ledger entry. */
export type StateWrite =
  | { kind: 'message'; update: MessageUpdate }
  | { kind: 'set-context'; conversationId: string; context: ConversationContext; ttlMs: number }
  | { kind: 'delete-context'; conversationId: string }
  | { kind: 'spans'; spans: readonly Span[] };

export interface CompleteOptions {
  /** Commit now instead of sharing the end of the turn's batch (see {@link Store.complete}). */
  immediate?: boolean;
  /** State written atomically with the ledger entry (the final status and span of what the result records). */
  writes?: readonly StateWrite[];
}

/** The result of {@link Store.completeOnce}: recorded now, or recorded before (nothing was written). */
export type CompleteOnceResult = { status: 'first' } | { status: 'duplicate'; result: unknown };

export interface ClaimOptions {
  /** An in-progress claim not taken or renewed for this long is presumed dead (its process crashed) and can be claimed again. @default 300_000 */
  staleAfterMs?: number;
}

/** One trace at a glance, for the TUI's list. */
export interface TraceSummary {
  traceId: string;
  conversationId: string;
  tenant: string;
  /** The name of the span without a parent, once recorded. */
  rootName?: string;
  startMs: number;
  endMs: number;
  spanCount: number;
}

/** How an LLM call ended: `ok`; `partial` (a stream broke after bytes reached the client); `failed` (nothing was served). */
export type UsageStatus = 'ok' | 'partial' | 'failed';

/** One LLM call in the cost ledger: who made it, what it cost and how it went. */
export interface UsageRecord {
  traceId: string;
  /** The model the client asked for (the alias). */
  model: string;
  /** The provider that served it (or was last tried). */
  provider: string;
  inputTokens: number;
  outputTokens: number;
  /** Input tokens served from the provider's prompt cache (part of `inputTokens`). */
  cachedTokens: number;
  costUsd: number;
  latencyMs: number;
  /** Answered from the gateway's response cache: no upstream call, no cost. */
  cacheHit: boolean;
  /** Tokens counted with a tokenizer because the provider reported none (or nonsense). */
  estimated: boolean;
  /** The id of the API key that made the call (`local` in dev mode). Never the key itself. */
  apiKeyId: string;
  status: UsageStatus;
  /** The error code, when the call failed or broke. */
  errorCode?: string;
  /** Epoch ms when the call started. */
  atMs: number;
}

/** Sums of a group of usage records. */
export interface UsageSums {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  costUsd: number;
  cacheHits: number;
  failed: number;
}

/** Which calls ledger totals cover: started in `[from, to)` (epoch ms; open ends when left out), of one API key or all. */
export interface UsageQuery {
  from?: number;
  to?: number;
  apiKeyId?: string;
}

/** Ledger totals over a time range, overall and grouped by model, API key and UTC day (`YYYY-MM-DD`). */
export interface UsageTotals {
  total: UsageSums;
  byModel: Array<UsageSums & { model: string }>;
  byKey: Array<UsageSums & { apiKeyId: string }>;
  byDay: Array<UsageSums & { day: string }>;
}

/** Durable state shared by the bot's processes: SQLite locally, NATS KV in a cluster. */
export interface Store {
  /**
   * Creates or updates a message's record. The status only moves forward (received → recognized → executing →
   * completed, failed or clarifying): an update with an earlier status keeps the later one and merges the rest.
   */
  putMessage(update: MessageUpdate): Promise<void>;
  getMessage(id: string): Promise<MessageRecord | undefined>;

  /** The conversation's context, unless its TTL has passed. */
  getContext(conversationId: string): Promise<ConversationContext | undefined>;
  /** Replaces the conversation's context; it expires `ttlMs` from now. */
  setContext(conversationId: string, context: ConversationContext, ttlMs: number): Promise<void>;
  deleteContext(conversationId: string): Promise<void>;

  /** Claims an idempotency key, atomically across processes. */
  claim(key: string, options?: ClaimOptions): Promise<ClaimResult>;
  /**
   * Restarts an in-progress claim's staleness clock: a claimer's heartbeat while its side effect runs, so a
   * claim can be presumed dead soon after its claimer stops beating. False once the claim is not `token`'s any more:
   * completed, released, or taken over by another claimer who found it stale.
   */
  renewClaim(key: string, token: string): Promise<boolean>;
  /**
   * Records the result of a claimed key, with `writes` in the same atomic write; later claims get it back as a
   * `duplicate`. With `immediate`, it is made durable at once instead of sharing a later batch: for a result that
   * records a side effect already done elsewhere (an action's), where waiting widens the window in which a crash
   * separates the two.
   */
  complete(key: string, result: unknown, options?: CompleteOptions): Promise<void>;
  /**
   * Records `result` under a key nobody claimed, together with the state it describes, in one atomic write:
   * `writes` apply only if the key was not completed before (`first`); a `duplicate` gets the stored result back
   * and changes nothing. For a decision that has no side effect of its own (nlp's turn): decide first, record once.
   */
  completeOnce(key: string, result: unknown, writes: readonly StateWrite[]): Promise<CompleteOnceResult>;
  /** The result a completed key recorded, or undefined while it has none (a read: no claim is taken). */
  getCompletion(key: string): Promise<{ result: unknown } | undefined>;
  /** Gives up `token`'s in-progress claim (the side effect failed and may be retried); another claimer's is left alone. */
  release(key: string, token: string): Promise<void>;

  /** Records spans; each is validated against the Span contract (a bad one rejects with `CONTRACT_INVALID`). */
  appendSpans(spans: readonly Span[]): Promise<void>;
  /** A trace's spans, by start time. */
  listSpans(traceId: string): Promise<Span[]>;
  /** The latest traces, newest first. @param limit @default 50 */
  listRecentTraces(limit?: number): Promise<TraceSummary[]>;

  /** Appends a call to the LLM cost ledger. */
  recordUsage(record: UsageRecord): Promise<void>;
  /** Ledger totals of the calls `query` selects (all, when left out). */
  usageTotals(query?: UsageQuery): Promise<UsageTotals>;
  /** What one API key (or, without one, every key) spent since the start of the current UTC day, for budgets. */
  spentToday(apiKeyId?: string): Promise<{ costUsd: number; tokens: number }>;

  close(): Promise<void>;
}
