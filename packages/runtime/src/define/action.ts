// defineAction: what the bot does for an intent, with its typed entities.
import { z } from 'zod';
import { type Duration, DurationSchema } from './duration.ts';
import { DefinitionError, type Intent, IntentNameSchema, isIntent } from './intent.ts';

/** What an action knows about the message it runs for. */
export interface ActionContext {
  /** The user who sent the message. */
  user: string;
  /** The original text of the message that completed the intent. */
  text: string;
  conversationId: string;
  traceId: string;
  tenant: string;
  /** 1 on the first try, then 2, 3, … on retries. */
  attempt: number;
  /** Stable across redeliveries and retries of one message: use it to make external calls idempotent. */
  idempotencyKey: string;
  /** Aborted when the action's timeout passes. */
  signal: AbortSignal;
}

/** What an action returns: the text to reply, or the text plus structured data for API callers. */
export type ActionReply = string | { text: string; data?: Record<string, unknown> };

/** What a user passes to {@link defineAction}. */
export interface ActionOptions<E> {
  /** Carries out the intent. Throwing fails the attempt (it is retried up to `retries` times). */
  run: (entities: E, ctx: ActionContext) => ActionReply | Promise<ActionReply>;
  /** Attempts after the first one fails. @default 2 */
  retries?: number;
  /** How long one attempt may take. @default "10s" */
  timeout?: Duration;
}

/** A defined action, bound to its intent by name. */
export interface Action<E = Record<string, unknown>> {
  readonly kind: 'action';
  readonly intent: string;
  readonly run: (entities: E, ctx: ActionContext) => ActionReply | Promise<ActionReply>;
  readonly retries: number;
  readonly timeoutMs: number;
}

const ActionOptionsSchema = z.object({
  run: z.custom<(...args: unknown[]) => unknown>((v) => typeof v === 'function', 'run must be a function'),
  retries: z.number().int().min(0).max(20).default(2),
  timeout: DurationSchema.default(10_000),
});

/**
 * Declares the action for an intent. Pass the intent object to get typed entities, or its name for
 * intents that exist only in data files.
 * @example
 * export default defineAction(updateStatus, {
 *   run: ({ project, status }) => `Moved ${project} to ${status}.`,
 * });
 */
export function defineAction<S extends z.ZodObject>(intent: Intent<S>, options: ActionOptions<z.output<S>>): Action<z.output<S>>;
export function defineAction(intent: string, options: ActionOptions<Record<string, unknown>>): Action<Record<string, unknown>>;
export function defineAction(intent: Intent | string, options: ActionOptions<never>): Action<never> {
  const name = isIntent(intent) ? intent.name : intent;
  const nameCheck = IntentNameSchema.safeParse(name);
  if (!nameCheck.success) {
    throw new DefinitionError('ACTION_INVALID', `defineAction: intent name "${String(name)}" is invalid: ${nameCheck.error.issues[0]?.message}`);
  }
  const parsed = ActionOptionsSchema.safeParse(options);
  if (!parsed.success) throw new DefinitionError('ACTION_INVALID', `defineAction(${name}): ${z.prettifyError(parsed.error)}`);
  return Object.freeze({
    kind: 'action',
    intent: name,
    run: options.run,
    retries: parsed.data.retries,
    timeoutMs: parsed.data.timeout,
  });
}

export function isAction(value: unknown): value is Action<unknown> {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'action';
}
