// The user moves a project to another status, optionally with a due date.
import { defineIntent, z } from '@inputbot/runtime';

export default defineIntent({
  name: 'update_status',
  description: "Change a project's status (todo, in progress, blocked, done), optionally setting a due date.",
  examples: [
    'move [Apollo](project) to [in progress](status:in_progress)',
    'set [Gemini](project) to [done](status)',
    'mark [Mercury](project) as [blocked](status)',
    '[Voyager](project) is [finished](status:done)',
    'update the status of [Hubble](project) to [todo](status)',
    'change [Artemis](project) to [in progress](status:in_progress) due [next friday](due)',
    'put [Apollo](project) back to [to do](status:todo)',
    '[Gemini](project) is [stuck](status:blocked) waiting on legal',
    'we [completed](status:done) [Hubble](project) today',
    'please set project [Mercury](project) to [blocked](status)',
    'the [Voyager](project) project is now [underway](status:in_progress)',
    'mark [Artemis](project) [done](status)',
    'move [Hubble](project) to [in progress](status:in_progress), due [March 3](due)',
    '[Apollo](project): [done](status)',
    'set [Gemini](project) to [in progress](status:in_progress) with a deadline of [2026-04-30](due)',
    'can you mark [Mercury](project) as [complete](status:done)',
    'status of [Orion](project) is [on hold](status:blocked)',
    'switch [Artemis](project) to [todo](status) and make it due [tomorrow](due)',
    'flag [Apollo](project) as [blocked](status)',
    '[Hubble](project) has [started](status:in_progress)',
    'mark the [Payments API](project) project as [shipped](status:done)',
    'move [Website Redesign](project) to [blocked](status)',
    '[Orion](project) should be [in progress](status:in_progress) by [Monday](due)',
    'we just [started](status:in_progress) work on [Payments API](project)',
  ],
  entities: z.object({
    project: z.string().meta({ description: 'The project name, e.g. Apollo.' }),
    status: z.enum(['todo', 'in_progress', 'blocked', 'done']).meta({
      description: 'The new status.',
      synonyms: {
        todo: ['to do', 'not started', 'backlog', 'open'],
        in_progress: ['in progress', 'started', 'underway', 'ongoing', 'wip', 'doing'],
        blocked: ['stuck', 'on hold', 'waiting', 'paused'],
        done: ['finished', 'complete', 'completed', 'shipped', 'closed', 'finished up'],
      },
    }),
    due: z.iso.date().optional().meta({ description: 'The new due date, YYYY-MM-DD.' }),
  }),
});
