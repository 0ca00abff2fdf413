// The executor's actions by intent, each with its own runner (and so its own circuit), built from a loaded project.
import type { z } from 'zod';
import type { Project } from '../../project/types.ts';
import { type ActionPolicyOptions, type ActionRunner, createActionRunner } from './action-runner.ts';

export interface ActionRegistry {
  /** The runner of the intent's action, if the project has one. */
  runner(intent: string): ActionRunner | undefined;
  /** The intent's entity schema, if the project declares the intent. */
  schema(intent: string): z.ZodObject | undefined;
}

export function createActionRegistry(project: Project, options: ActionPolicyOptions): ActionRegistry {
  const runners = new Map(project.actions.map((a) => [a.intent, createActionRunner(a.action, options, project.root)]));
  const schemas = new Map(project.intents.map((i) => [i.name, i.schema]));
  return {
    runner: (intent) => runners.get(intent),
    schema: (intent) => schemas.get(intent),
  };
}
