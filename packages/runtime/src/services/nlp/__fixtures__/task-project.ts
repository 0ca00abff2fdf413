// A small task-tracker project, built in code, that the nlp and executor service tests run against.
import { z } from 'zod';
import type { Action, ActionContext, ActionReply } from '../../../define/action.ts';
import { parseAnnotatedExample } from '../../../define/annotations.ts';
import { BotConfigSchema } from '../../../define/bot.ts';
import { describeEntities } from '../../../define/entity-spec.ts';
import type { Project, ProjectIntent, TrainingExample } from '../../../project/types.ts';

const SCHEMAS = {
  update_status: z.object({ project: z.string(), status: z.enum(['todo', 'in_progress', 'done']), due: z.iso.date().optional() }),
  create_task: z.object({ title: z.string().min(3), points: z.number().int().min(1).max(13).optional() }),
  list_tasks: z.object({}),
  delete_project: z.object({ project: z.string() }),
} as const;

const DESCRIPTIONS: Record<string, string> = {
  update_status: 'move a project to another status',
  create_task: 'create a task',
  list_tasks: 'list your tasks',
  delete_project: 'delete a project',
};

const EXAMPLES: Record<string, string[]> = {
  update_status: [
    'move [Apollo](project) to [done](status)',
    'set [Zeus](project) to [in progress](status:in_progress)',
    'mark [Hermes](project) as [finished](status:done)',
    'change the status of [Atlas](project) to [todo](status)',
    'put [Orion](project) in [in progress](status:in_progress)',
    'move [Gemini](project) to [todo](status) by [friday](due)',
    'please move [Vega](project) to [done](status) by [next monday](due)',
    'switch [Helios](project) to [done](status)',
    'update [Mercury](project) to [in progress](status:in_progress)',
    'flag [Cygnus](project) as [todo](status)',
    'move [Kraken](project) to done',
    'set the status to [done](status:done)',
    'change the status',
    'update a project status',
  ],
  create_task: [
    'create a task called [write the report](title)',
    'add a task [fix the login bug](title) worth [3](points) points',
    'new task [call the bank](title)',
    'make a task to [review the budget](title) for [five](points) points',
    'add [update the docs](title) to my tasks',
    'create task [order new laptops](title) with [8](points) points',
    'please add a task [book the venue](title)',
  ],
  list_tasks: ['show me my tasks', 'what is on my list', 'list my open tasks', 'which tasks do i have', 'show all tasks', 'what do i have to do today'],
  delete_project: [
    'delete the project [Apollo](project)',
    'delete project [Zeus](project)',
    'remove the [Hermes](project) project',
    'get rid of project [Atlas](project)',
    'delete [Orion](project) for good',
    'erase the project [Vega](project)',
    'please delete project [Helios](project)',
  ],
  none: [
    'what is the weather like',
    'tell me a joke',
    'who won the game last night',
    'how tall is mount everest',
    'play some music',
    'what is the capital of peru',
    'how do i bake bread',
    'translate hello into german',
  ],
};

function examples(): TrainingExample[] {
  return Object.entries(EXAMPLES).flatMap(([intent, lines]) =>
    lines.map((line) => {
      const parsed = parseAnnotatedExample(line);
      if ('code' in parsed) throw new Error(parsed.message);
      return { intent, ...parsed, source: { file: 'data/train.yaml' } };
    }),
  );
}

function intents(): ProjectIntent[] {
  return Object.entries(SCHEMAS).map(([name, schema]) => ({
    name,
    description: DESCRIPTIONS[name] ?? '',
    entities: describeEntities(schema),
    schema,
    confirm: name === 'delete_project',
    declared: true,
    source: { file: `intents/${name}.ts` },
  }));
}

/** An action for the test project: `run` gets the entities and context; defaults are 0 retries and 2 s. */
export function testAction(
  intent: string,
  run: (entities: Record<string, unknown>, ctx: ActionContext) => ActionReply | Promise<ActionReply>,
  options: { retries?: number; timeoutMs?: number } = {},
): Action<Record<string, unknown>> {
  return { kind: 'action', intent, run, retries: options.retries ?? 0, timeoutMs: options.timeoutMs ?? 2_000 };
}

/** The task project, with the given actions. */
export function taskProject(actions: Action<Record<string, unknown>>[] = []): Project {
  return {
    root: '/task-project',
    config: BotConfigSchema.parse({ name: 'task-bot' }),
    intents: intents(),
    examples: examples(),
    actions: actions.map((action) => ({ intent: action.intent, action, source: { file: `actions/${action.intent}.ts` } })),
    fixtures: [],
  };
}

/** Adds a `greet` intent the base project does not know, to see a reload change what is recognised. */
export function withGreeting(project: Project): Project {
  const schema = z.object({});
  const lines = ['hello there', 'hi', 'good morning', 'hey bot', 'hello', 'hi there, good evening'];
  return {
    ...project,
    intents: [
      ...project.intents,
      { name: 'greet', description: 'say hello', entities: [], schema, confirm: false, declared: true, source: { file: 'intents/greet.ts' } },
    ],
    examples: [...project.examples, ...lines.map((text) => ({ intent: 'greet', text, entities: [], source: { file: 'data/greet.yaml' } }))],
  };
}
