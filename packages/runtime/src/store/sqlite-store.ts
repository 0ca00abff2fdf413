// The SQLite store: the local Store adapter, one WAL file (e.g. `.bot/state.db`) shared by every process of the bot.
import { randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import { encode } from '../contracts/codec.ts';
import { type Span, SpanSchema } from '../contracts/span.ts';
import { GroupCommit } from '../sqlite/group-commit.ts';
import { openSqlite, type SqliteDatabase, type WalCheckpoints } from '../sqlite/open.ts';
import { pruneInBatches } from '../sqlite/prune-in-batches.ts';
import { migrateStoreSchema } from './sqlite-schema.ts';
import type {
  ClaimOptions,
  ClaimResult,
  CompleteOnceResult,
  CompleteOptions,
  ConversationContext,
  MessageRecord,
  MessageUpdate,
  StateWrite,
  Store,
  TraceSummary,
  UsageQuery,
  UsageRecord,
  UsageSums,
  UsageTotals,
} from './types.ts';

export interface SqliteStoreOptions {
  /** The database file, e.g. `.bot/state.db`. */
  path: string;
  /** How long message records and traces are kept after they began. @default 86_400_000 (a day) */
  retentionMs?: number;
  /** How long idempotency entries are kept after their claim: a redelivery later than this runs the action again. @default 604_800_000 (a week) */
  idempotencyRetentionMs?: number;
  /** How long LLM usage records are kept (`bot usage`, `GET /v1/usage`). @default 7_776_000_000 (90 days) */
  usageRetentionMs?: number;
  /** How long a write waits for another process's lock before failing. @default 10_000 */
  busyTimeoutMs?: number;
  /** `external`: another process runs `startCheckpointer` on the file; this one checkpoints only as a backstop. @default 'auto' */
  walCheckpoints?: WalCheckpoints;
  /** Delete expired records every minute. Off for a process that only looks (`bot traces --follow`): the services prune. @default true */
  prune?: boolean;
}

const DAY = 86_400_000;
// A write of one modifying statement (a claim reads first, then writes once): no savepoint needed.
const SINGLE = { single: true } as const;
/** A batch of the oldest expired traces (params: cutoff, limit), for pruning them with their spans. */
const OLDEST_TRACES = 'SELECT trace_id FROM store_traces WHERE start_ms < ? ORDER BY start_ms, trace_id LIMIT ?';

/** Opens (creating if needed) a SQLite store on `options.path`. */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  return new SqliteStore(options);
}

interface MessageRow {
  id: string;
  conversation_id: string;
  trace_id: string;
  tenant: string;
  status: MessageRecord['status'];
  intent: string | null;
  reply: string | null;
  data: string | null;
  error: string | null;
  created_at: number;
  updated_at: number;
}

interface TraceRow {
  trace_id: string;
  conversation_id: string;
  tenant: string;
  root_name: string | null;
  start_ms: number;
  end_ms: number;
  span_count: number;
}

interface SumsRow {
  grp: string | null;
  calls: number;
  input_tokens: number | null;
  output_tokens: number | null;
  cached_tokens: number | null;
  cost_usd: number | null;
  cache_hits: number | null;
  failed: number | null;
}

const SUMS = `count(*) AS calls, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cached_tokens) AS cached_tokens,
  sum(cost_usd) AS cost_usd, sum(cache_hit) AS cache_hits, sum(status = 'failed') AS failed`;
const RANGE = 'WHERE at_ms >= @from AND at_ms < @to AND (@key IS NULL OR api_key_id = @key)';

function toSums(row: SumsRow | undefined): UsageSums {
  return {
    calls: row?.calls ?? 0,
    inputTokens: row?.input_tokens ?? 0,
    outputTokens: row?.output_tokens ?? 0,
    cachedTokens: row?.cached_tokens ?? 0,
    // Summing floats drifts in the last digits; a ledger shows micro-dollars at most.
    costUsd: Math.round((row?.cost_usd ?? 0) * 1e9) / 1e9,
    cacheHits: row?.cache_hits ?? 0,
    failed: row?.failed ?? 0,
  };
}

// A status only moves forward, so services may write theirs without ordering their writes against each
// other's: a late `received` or `executing` never hides `completed`.
const STATUS_RANK = (column: string) => `(CASE ${column} WHEN 'received' THEN 0 WHEN 'recognized' THEN 1 WHEN 'executing' THEN 2 ELSE 3 END)`;

function messageRow(update: MessageUpdate, now: number) {
  return {
    id: update.id,
    conversationId: update.conversationId,
    traceId: update.traceId,
    tenant: update.tenant,
    status: update.status,
    intent: update.intent ?? null,
    reply: update.reply ?? null,
    data: update.data === undefined ? null : JSON.stringify(update.data),
    error: update.error === undefined ? null : JSON.stringify(update.error),
    now,
  };
}

/** An idempotency ledger entry as stored. */
interface LedgerRow {
  state: string;
  result: string | null;
  claimed_at: number;
}

function storedResult(row: LedgerRow): unknown {
  return row.result === null ? undefined : JSON.parse(row.result);
}

interface SpanRow {
  traceId: string;
  spanId: string;
  startMs: number;
  json: string;
  trace: { traceId: string; conversationId: string; tenant: string; startMs: number; endMs: number; rootName: string | null };
}

// Validated and serialised before the write is queued: the transaction (and the lock) only runs statements.
function validSpans(spans: readonly Span[]): SpanRow[] {
  return spans.map((input) => {
    const result = encode(SpanSchema, input);
    if (!result.ok) throw result.error;
    const span = result.value;
    const { traceId, conversationId, tenant, startMs, endMs } = span;
    const trace = { traceId, conversationId, tenant, startMs, endMs, rootName: span.parentId === undefined ? span.name : null };
    return { traceId, spanId: span.spanId, startMs, json: JSON.stringify(span), trace };
  });
}

function prepare(db: SqliteDatabase) {
  const s = (sql: string): Statement => db.prepare(sql);
  return {
    putMessage: s(`
      INSERT INTO store_messages (id, conversation_id, trace_id, tenant, status, intent, reply, data, error, created_at, updated_at)
      VALUES (@id, @conversationId, @traceId, @tenant, @status, @intent, @reply, @data, @error, @now, @now)
      ON CONFLICT (id) DO UPDATE SET status = CASE WHEN ${STATUS_RANK('excluded.status')} >= ${STATUS_RANK('status')} THEN excluded.status ELSE status END, intent = coalesce(excluded.intent, intent), reply = coalesce(excluded.reply, reply),
        data = coalesce(excluded.data, data), error = coalesce(excluded.error, error), updated_at = excluded.updated_at`),
    getMessage: s('SELECT * FROM store_messages WHERE id = ?'),
    getContext: s('SELECT context FROM store_contexts WHERE conversation_id = ? AND expires_at > ?').pluck(),
    setContext: s('INSERT OR REPLACE INTO store_contexts (conversation_id, context, expires_at) VALUES (?, ?, ?)'),
    deleteContext: s('DELETE FROM store_contexts WHERE conversation_id = ?'),
    getClaim: s('SELECT state, result, claimed_at FROM store_idempotency WHERE key = ?'),
    insertClaim: s("INSERT INTO store_idempotency (key, state, claimed_at, updated_at, owner) VALUES (?, 'in-progress', ?, ?, ?)"),
    retakeClaim: s('UPDATE store_idempotency SET claimed_at = ?, updated_at = ?, owner = ? WHERE key = ?'),
    renewClaim: s("UPDATE store_idempotency SET claimed_at = ?, updated_at = ? WHERE key = ? AND state = 'in-progress' AND owner = ?"),
    complete: s(`
      INSERT INTO store_idempotency (key, state, result, claimed_at, updated_at) VALUES (?, 'completed', ?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET state = 'completed', result = excluded.result, updated_at = excluded.updated_at`),
    release: s("DELETE FROM store_idempotency WHERE key = ? AND state = 'in-progress' AND owner = ?"),
    insertSpan: s('INSERT OR IGNORE INTO store_spans (trace_id, span_id, start_ms, span) VALUES (?, ?, ?, ?)'),
    upsertTrace: s(`
      INSERT INTO store_traces (trace_id, conversation_id, tenant, root_name, start_ms, end_ms, span_count)
      VALUES (@traceId, @conversationId, @tenant, @rootName, @startMs, @endMs, 1)
      ON CONFLICT (trace_id) DO UPDATE SET start_ms = min(start_ms, excluded.start_ms), end_ms = max(end_ms, excluded.end_ms),
        span_count = span_count + 1, root_name = coalesce(excluded.root_name, root_name)`),
    listSpans: s('SELECT span FROM store_spans WHERE trace_id = ? ORDER BY start_ms, span_id').pluck(),
    recentTraces: s('SELECT * FROM store_traces ORDER BY start_ms DESC LIMIT ?'),
    insertUsage: s(`
      INSERT INTO store_usage (at_ms, trace_id, model, provider, api_key_id, input_tokens, output_tokens, cached_tokens, cost_usd, latency_ms,
        cache_hit, estimated, status, error_code)
      VALUES (@atMs, @traceId, @model, @provider, @apiKeyId, @inputTokens, @outputTokens, @cachedTokens, @costUsd, @latencyMs,
        @cacheHit, @estimated, @status, @errorCode)`),
    usageTotal: s(`SELECT NULL AS grp, ${SUMS} FROM store_usage ${RANGE}`),
    usageByModel: s(`SELECT model AS grp, ${SUMS} FROM store_usage ${RANGE} GROUP BY model ORDER BY model`),
    usageByKey: s(`SELECT api_key_id AS grp, ${SUMS} FROM store_usage ${RANGE} GROUP BY api_key_id ORDER BY api_key_id`),
    usageByDay: s(`SELECT strftime('%Y-%m-%d', at_ms / 1000, 'unixepoch') AS grp, ${SUMS} FROM store_usage ${RANGE} GROUP BY grp ORDER BY grp`),
    spentByKey: s('SELECT sum(cost_usd) AS cost, sum(input_tokens + output_tokens) AS tokens FROM store_usage WHERE api_key_id = ? AND at_ms >= ?'),
    spentAll: s('SELECT sum(cost_usd) AS cost, sum(input_tokens + output_tokens) AS tokens FROM store_usage WHERE at_ms >= ?'),
    // Each deletes one batch of the oldest expired rows (by the column's index): see pruneInBatches.
    pruneContexts: s('DELETE FROM store_contexts WHERE rowid IN (SELECT rowid FROM store_contexts WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)'),
    pruneMessages: s('DELETE FROM store_messages WHERE rowid IN (SELECT rowid FROM store_messages WHERE created_at < ? ORDER BY created_at LIMIT ?)'),
    pruneLedger: s('DELETE FROM store_idempotency WHERE rowid IN (SELECT rowid FROM store_idempotency WHERE claimed_at < ? ORDER BY claimed_at LIMIT ?)'),
    pruneSpans: s(`DELETE FROM store_spans WHERE trace_id IN (${OLDEST_TRACES})`),
    pruneTraces: s(`DELETE FROM store_traces WHERE trace_id IN (${OLDEST_TRACES})`),
    pruneUsage: s('DELETE FROM store_usage WHERE id IN (SELECT id FROM store_usage WHERE at_ms < ? ORDER BY at_ms LIMIT ?)'),
  };
}

class SqliteStore implements Store {
  private readonly db: SqliteDatabase;
  private readonly st: ReturnType<typeof prepare>;
  private readonly writes: GroupCommit;
  private readonly claimInTx;
  private readonly appendInTx;
  private readonly pruneTimer: NodeJS.Timeout | undefined;
  /** The prune under way, if one is: a round can take several turns of the event loop. */
  private pruning: Promise<void> | undefined;
  private closing = false;

  constructor(private readonly options: SqliteStoreOptions) {
    this.db = openSqlite(options.path, options.busyTimeoutMs, options.walCheckpoints);
    migrateStoreSchema(this.db);
    const st = prepare(this.db);
    this.st = st;
    this.claimInTx = (key: string, staleAfterMs: number, now: number): ClaimResult => {
      const row = st.getClaim.get(key) as LedgerRow | undefined;
      if (!row) {
        const token = randomUUID();
        st.insertClaim.run(key, now, now, token);
        return { status: 'first', token };
      }
      if (row.state === 'completed') return { status: 'duplicate', state: 'completed', result: storedResult(row) };
      if (row.claimed_at <= now - staleAfterMs) {
        const token = randomUUID();
        st.retakeClaim.run(now, now, token, key);
        return { status: 'first', token };
      }
      return { status: 'duplicate', state: 'in-progress', claimedAt: row.claimed_at };
    };
    this.appendInTx = (rows: readonly SpanRow[]) => {
      for (const row of rows) {
        if (st.insertSpan.run(row.traceId, row.spanId, row.startMs, row.json).changes === 0) continue;
        st.upsertTrace.run(row.trace);
      }
    };
    // Every write below goes through the group commit; reads run at once (a caller's own writes have
    // committed by the time its awaited write resolves).
    this.writes = new GroupCommit(this.db);
    if (options.prune !== false) {
      this.pruneTimer = setInterval(() => this.prune(), 60_000);
      this.pruneTimer.unref();
    }
  }

  async putMessage(update: MessageUpdate): Promise<void> {
    await this.writes.write(this.stateWrite({ kind: 'message', update }, Date.now()), SINGLE);
  }

  async getMessage(id: string): Promise<MessageRecord | undefined> {
    const row = this.st.getMessage.get(id) as MessageRow | undefined;
    if (!row) return undefined;
    return {
      id: row.id,
      conversationId: row.conversation_id,
      traceId: row.trace_id,
      tenant: row.tenant,
      status: row.status,
      ...(row.intent !== null && { intent: row.intent }),
      ...(row.reply !== null && { reply: row.reply }),
      ...(row.data !== null && { data: JSON.parse(row.data) }),
      ...(row.error !== null && { error: JSON.parse(row.error) }),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  async getContext(conversationId: string): Promise<ConversationContext | undefined> {
    const json = this.st.getContext.get(conversationId, Date.now()) as string | undefined;
    return json === undefined ? undefined : JSON.parse(json);
  }

  async setContext(conversationId: string, context: ConversationContext, ttlMs: number): Promise<void> {
    await this.writes.write(this.stateWrite({ kind: 'set-context', conversationId, context, ttlMs }, Date.now()), SINGLE);
  }

  async deleteContext(conversationId: string): Promise<void> {
    await this.writes.write(this.stateWrite({ kind: 'delete-context', conversationId }, Date.now()), SINGLE);
  }

  async claim(key: string, options?: ClaimOptions): Promise<ClaimResult> {
    const staleAfterMs = options?.staleAfterMs ?? 300_000;
    return this.writes.write(() => this.claimInTx(key, staleAfterMs, Date.now()), SINGLE);
  }

  async renewClaim(key: string, token: string): Promise<boolean> {
    return this.writes.write(() => {
      const now = Date.now();
      return this.st.renewClaim.run(now, now, key, token).changes > 0;
    }, SINGLE);
  }

  async complete(key: string, result: unknown, options?: CompleteOptions): Promise<void> {
    const now = Date.now();
    const json = result === undefined ? null : JSON.stringify(result);
    const apply = (options?.writes ?? []).map((write) => this.stateWrite(write, now));
    const write = () => {
      this.st.complete.run(key, json, now, now);
      for (const run of apply) run();
    };
    // Immediate: committed now, with the writes queued before it.
    await (options?.immediate ? this.writes.writeNow(write) : this.writes.write(write));
  }

  async completeOnce(key: string, result: unknown, writes: readonly StateWrite[]): Promise<CompleteOnceResult> {
    const now = Date.now();
    const json = result === undefined ? null : JSON.stringify(result);
    // Everything is prepared (and spans validated) before the write is queued: inside it, only statements run.
    const apply = writes.map((write) => this.stateWrite(write, now));
    return this.writes.write((): CompleteOnceResult => {
      const row = this.st.getClaim.get(key) as LedgerRow | undefined;
      if (row?.state === 'completed') return { status: 'duplicate', result: storedResult(row) };
      this.st.complete.run(key, json, now, now);
      for (const run of apply) run();
      return { status: 'first' };
    });
  }

  async getCompletion(key: string): Promise<{ result: unknown } | undefined> {
    const row = this.st.getClaim.get(key) as LedgerRow | undefined;
    return row?.state === 'completed' ? { result: storedResult(row) } : undefined;
  }

  private stateWrite(write: StateWrite, now: number): () => unknown {
    switch (write.kind) {
      case 'message': {
        const row = messageRow(write.update, now);
        return () => this.st.putMessage.run(row);
      }
      case 'set-context': {
        const json = JSON.stringify(write.context);
        return () => this.st.setContext.run(write.conversationId, json, now + write.ttlMs);
      }
      case 'delete-context':
        return () => this.st.deleteContext.run(write.conversationId);
      case 'spans': {
        const spans = validSpans(write.spans);
        return () => this.appendInTx(spans);
      }
    }
  }

  async release(key: string, token: string): Promise<void> {
    await this.writes.write(() => this.st.release.run(key, token), SINGLE);
  }

  async appendSpans(spans: readonly Span[]): Promise<void> {
    const valid = validSpans(spans);
    await this.writes.write(() => this.appendInTx(valid));
  }

  async listSpans(traceId: string): Promise<Span[]> {
    return (this.st.listSpans.all(traceId) as string[]).map((json) => JSON.parse(json));
  }

  async listRecentTraces(limit = 50): Promise<TraceSummary[]> {
    return (this.st.recentTraces.all(limit) as TraceRow[]).map((row) => ({
      traceId: row.trace_id,
      conversationId: row.conversation_id,
      tenant: row.tenant,
      ...(row.root_name !== null && { rootName: row.root_name }),
      startMs: row.start_ms,
      endMs: row.end_ms,
      spanCount: row.span_count,
    }));
  }

  async recordUsage(record: UsageRecord): Promise<void> {
    const row = {
      ...record,
      cacheHit: record.cacheHit ? 1 : 0,
      estimated: record.estimated ? 1 : 0,
      latencyMs: Math.round(record.latencyMs),
      errorCode: record.errorCode ?? null,
    };
    await this.writes.write(() => this.st.insertUsage.run(row), SINGLE);
  }

  async usageTotals(range: UsageQuery = {}): Promise<UsageTotals> {
    const params = { from: range.from ?? 0, to: range.to ?? Number.MAX_SAFE_INTEGER, key: range.apiKeyId ?? null };
    const grouped = (statement: Statement) => (statement.all(params) as SumsRow[]).map((row) => ({ key: row.grp ?? '', sums: toSums(row) }));
    return {
      total: toSums(this.st.usageTotal.get(params) as SumsRow),
      byModel: grouped(this.st.usageByModel).map(({ key, sums }) => ({ model: key, ...sums })),
      byKey: grouped(this.st.usageByKey).map(({ key, sums }) => ({ apiKeyId: key, ...sums })),
      byDay: grouped(this.st.usageByDay).map(({ key, sums }) => ({ day: key, ...sums })),
    };
  }

  async spentToday(apiKeyId?: string): Promise<{ costUsd: number; tokens: number }> {
    const midnight = Math.floor(Date.now() / DAY) * DAY;
    const row = (apiKeyId === undefined ? this.st.spentAll.get(midnight) : this.st.spentByKey.get(apiKeyId, midnight)) as {
      cost: number | null;
      tokens: number | null;
    };
    return { costUsd: row.cost ?? 0, tokens: row.tokens ?? 0 };
  }

  async close(): Promise<void> {
    clearInterval(this.pruneTimer);
    if (!this.db.open) return;
    this.closing = true;
    await this.pruning;
    this.writes.flush();
    this.db.close();
  }

  private prune(): void {
    if (this.pruning) return;
    const now = Date.now();
    const keep = now - (this.options.retentionMs ?? DAY);
    const { st } = this;
    const full = (statement: Statement, cutoff: number, limit: number) => statement.run(cutoff, limit).changes === limit;
    const steps = [
      (limit: number) => full(st.pruneContexts, now, limit),
      (limit: number) => full(st.pruneMessages, keep, limit),
      (limit: number) => full(st.pruneLedger, now - (this.options.idempotencyRetentionMs ?? 7 * DAY), limit),
      // The same oldest traces both times (deleting spans leaves store_traces as it was): their spans, then them. A
      // trace has a few spans, so a quarter of the batch in traces is about a batch of rows.
      (limit: number) => {
        const traces = Math.max(1, Math.floor(limit / 4));
        st.pruneSpans.run(keep, traces);
        return full(st.pruneTraces, keep, traces);
      },
      (limit: number) => full(st.pruneUsage, now - (this.options.usageRetentionMs ?? 90 * DAY), limit),
    ];
    this.pruning = pruneInBatches(this.db, steps, { stopped: () => this.closing }).finally(() => {
      this.pruning = undefined;
    });
  }
}
