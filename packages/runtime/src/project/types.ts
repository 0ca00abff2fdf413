// The loaded shape of a bot project: what `bot check`, `bot test` and the services work from.
import type { z } from 'zod';
import type { Action } from '../define/action.ts';
import type { EntitySpan } from '../define/annotations.ts';
import type { ResolvedBotConfig } from '../define/bot.ts';
import type { EntitySpec } from '../define/entity-spec.ts';
import type { Prompt } from '../define/prompt.ts';

/** Where something came from. `file` is relative to the project root; `line` and `column` are 1-based. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

/** One training example: plain text, its intent and the annotated entity spans. */
export interface TrainingExample {
  intent: string;
  text: string;
  entities: EntitySpan[];
  source: SourceLocation;
}

/** An intent as the project defines it: declared in `intents/*.ts`, or inferred from data files. */
export interface ProjectIntent {
  name: string;
  description: string;
  entities: EntitySpec[];
  /** Validates extracted entities; for intents inferred from data, optional strings. */
  schema: z.ZodObject;
  confirm: boolean;
  /** `false` when the intent exists only in `data/` files. */
  declared: boolean;
  source: SourceLocation;
}

/** An action loaded from `actions/`. */
export interface ProjectAction {
  intent: string;
  action: Action<Record<string, unknown>>;
  source: SourceLocation;
}

/** A prompt endpoint loaded from `prompts/`. */
export interface ProjectPrompt {
  name: string;
  prompt: Prompt;
  source: SourceLocation;
}

/** A test case: the text, the intent expected (`none` for out of scope), and optionally entities and reply. */
export interface Fixture {
  text: string;
  intent: string;
  entities?: Record<string, unknown>;
  /** A substring of the expected reply, or `/regex/flags`. */
  reply?: string;
  /** ISO instant that relative dates in `text` resolve against (else: when the test runs). */
  referenceTime?: string;
  source: SourceLocation;
}

/** A whole bot project, loaded. */
export interface Project {
  root: string;
  config: ResolvedBotConfig;
  intents: ProjectIntent[];
  examples: TrainingExample[];
  actions: ProjectAction[];
  fixtures: Fixture[];
  /** Prompt endpoints from `prompts/*.ts` (served at `POST /v1/prompts/:name`); loadProject always sets it. */
  prompts?: ProjectPrompt[];
}
