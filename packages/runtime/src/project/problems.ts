// Problems found while loading a project: stable codes, a message a user can act on, and where.
import type { SourceLocation } from './types.ts';

/** Every problem code `bot check` can report. docs/cli.md lists them; a test keeps the two in step. */
export const PROBLEM_CODES = {
  CONFIG_MISSING: 'no bot.config.ts in the project root',
  CONFIG_INVALID: 'bot.config.ts does not match the configuration schema',
  BROKER_NOT_AVAILABLE: 'broker.kind names a broker this version cannot run yet (nats): bot dev refuses it',
  MODULE_SYNTAX: 'a TypeScript file does not compile',
  MODULE_THROWS: 'a file throws when it is imported',
  MODULE_EMPTY: 'a file in intents/, actions/ or prompts/ exports no intent, action or prompt',
  INTENT_INVALID: 'an intent definition is invalid',
  INTENT_DUPLICATE: 'two intents have the same name',
  INTENT_FEW_EXAMPLES: 'an intent has fewer examples than nlu.minExamples',
  ANNOTATION_SYNTAX: 'an inline annotation is malformed',
  ENTITY_UNKNOWN: "an annotation names an entity that the intent's schema lacks",
  DATA_INVALID: 'a data file is not valid YAML/JSONL or does not match the data format',
  ACTION_UNKNOWN_INTENT: 'an action is for an intent that is not declared',
  ACTION_DUPLICATE: 'two actions handle the same intent',
  FIXTURE_INVALID: 'a fixture file is not valid YAML/JSONL or a record lacks text or intent',
  FIXTURE_UNKNOWN_INTENT: 'a fixture expects an intent that is not declared',
  FIXTURE_UNKNOWN_ENTITY: "a fixture expects an entity that the intent's schema lacks",
  PROMPT_DUPLICATE: 'two prompts have the same name',
  PROMPT_TEMPLATE_VARIABLE: "a prompt's template uses a {{variable}} that its input schema lacks",
} as const;

export type ProblemCode = keyof typeof PROBLEM_CODES;

/** One problem, located. Errors make `bot check` exit 1; warnings are shown but do not fail. */
export interface Problem extends SourceLocation {
  code: ProblemCode;
  severity: 'error' | 'warning';
  message: string;
}

/** Collects problems during a load. */
export class Problems {
  readonly list: Problem[] = [];

  error(code: ProblemCode, message: string, at: SourceLocation): void {
    this.add({ code, severity: 'error', message, ...at });
  }

  warn(code: ProblemCode, message: string, at: SourceLocation): void {
    this.add({ code, severity: 'warning', message, ...at });
  }

  // One broken file reached twice (an intent's syntax error, met again through the action that imports it) is one problem.
  private add(problem: Problem): void {
    const same = (p: Problem) => p.code === problem.code && p.message === problem.message && formatLocation(p) === formatLocation(problem);
    if (!this.list.some(same)) this.list.push(problem);
  }

  get hasErrors(): boolean {
    return this.list.some((p) => p.severity === 'error');
  }
}

/** `file:line:col` for messages. */
export function formatLocation(at: SourceLocation): string {
  return `${at.file}${at.line ? `:${at.line}${at.column ? `:${at.column}` : ''}` : ''}`;
}
