// API keys of the LLM face: a bearer token is hashed and looked up; with no keys configured, every caller is `local`.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Budget, ResolvedLlmConfig } from './config.ts';
import { LlmError } from './errors.ts';

/** Who is calling: the key's id (never the key), its budget, and whether it may read every key's usage. */
export interface Caller {
  keyId: string;
  budget?: Budget;
  admin: boolean;
}

/** The local dev mode caller, when no keys are configured: the whole ledger is the developer's. */
export const LOCAL_CALLER: Caller = { keyId: 'local', admin: true };

/** The sha256 hex of a key, as `llm.keys[].sha256` stores it. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Resolves the caller from an `Authorization` header, or throws LLM_UNAUTHORIZED. */
export function authenticate(config: ResolvedLlmConfig, authorization: string | undefined): Caller {
  if (config.keys.length === 0) return LOCAL_CALLER;
  const token = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
  if (!token) throw new LlmError('LLM_UNAUTHORIZED', 'send an API key as "Authorization: Bearer <key>"; keys are listed under llm.keys in bot.config.ts');
  const hash = Buffer.from(hashApiKey(token), 'hex');
  const key = config.keys.find((k) => timingSafeEqual(Buffer.from(k.sha256, 'hex'), hash));
  if (!key) throw new LlmError('LLM_UNAUTHORIZED', 'the API key is not one of llm.keys; check the key, or add its sha256 to bot.config.ts');
  return { keyId: key.id, admin: key.admin, ...(key.budget && { budget: key.budget }) };
}
