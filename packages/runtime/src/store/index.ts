// Store: the interface every adapter implements, and the SQLite adapter.
export { createSqliteStore, type SqliteStoreOptions } from './sqlite-store.ts';
export type {
  ClaimOptions,
  ClaimResult,
  CompleteOnceResult,
  CompleteOptions,
  ConversationContext,
  MessageRecord,
  MessageStatus,
  MessageUpdate,
  StateWrite,
  Store,
  TraceSummary,
  UsageQuery,
  UsageRecord,
  UsageStatus,
  UsageSums,
  UsageTotals,
} from './types.ts';
