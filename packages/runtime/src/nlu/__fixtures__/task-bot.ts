// A small task-tracker bot's training data, built in code for the engine's tests.
import { type EntitySpan, parseAnnotatedExample } from '../../define/annotations.ts';
import type { EntitySpec } from '../../define/entity-spec.ts';
import type { NluTrainingData } from '../types.ts';

function examples(intent: string, lines: string[]): { intent: string; text: string; entities: EntitySpan[] }[] {
  return lines.map((line) => {
    const parsed = parseAnnotatedExample(line);
    if ('code' in parsed) throw new Error(parsed.message);
    return { intent, ...parsed };
  });
}

export const STATUS: EntitySpec = {
  name: 'status',
  kind: 'enum',
  required: true,
  values: ['todo', 'in_progress', 'done'],
  synonyms: { done: ['complete', 'completed'] },
};

export const TASK_BOT: NluTrainingData = {
  intents: [
    { name: 'update_status', entities: [{ name: 'project', kind: 'text', required: true }, STATUS, { name: 'due', kind: 'date', required: false }] },
    {
      name: 'create_task',
      entities: [
        { name: 'title', kind: 'text', required: true },
        { name: 'points', kind: 'number', required: false },
      ],
    },
    { name: 'list_tasks', entities: [] },
  ],
  examples: [
    ...examples('update_status', [
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
    ]),
    ...examples('create_task', [
      'create a task called [write the report](title)',
      'add a task [fix the login bug](title) worth [3](points) points',
      'new task [call the bank](title)',
      'make a task to [review the budget](title) for [five](points) points',
      'add [update the docs](title) to my tasks',
      'create task [order new laptops](title) with [8](points) points',
      'please add a task [book the venue](title)',
    ]),
    ...examples('list_tasks', [
      'show me my tasks',
      'what is on my list',
      'list my open tasks',
      'which tasks do i have',
      'show all tasks',
      'what do i have to do today',
    ]),
    ...examples('none', [
      'what is the weather like',
      'tell me a joke',
      'who won the game last night',
      'how tall is mount everest',
      'play some music',
      'what is the capital of peru',
      'how do i bake bread',
      'translate hello into german',
    ]),
  ],
};
