// @inputbot/runtime: the definitions API a bot project imports.
export { z } from 'zod';
export { type Action, type ActionContext, type ActionOptions, type ActionReply, defineAction } from './define/action.ts';
export { type EntitySpan, formatAnnotatedExample, parseAnnotatedExample } from './define/annotations.ts';
export { type BotOptions, defineBot, type NluMode, type ResolvedBotConfig } from './define/bot.ts';
export type { Duration } from './define/duration.ts';
export type { EntityKind, EntitySpec } from './define/entity-spec.ts';
export { DefinitionError, defineIntent, type Intent, type IntentOptions, NONE_INTENT } from './define/intent.ts';
export { definePrompt, type Prompt, type PromptOptions } from './define/prompt.ts';
