// The user books a meeting with someone at a time, optionally about a topic.
import { defineIntent, z } from '@inputbot/runtime';

export default defineIntent({
  name: 'schedule_meeting',
  description: 'Book a meeting with a person at a date and time, optionally about a topic.',
  examples: [
    'schedule a meeting with [Ada Lovelace](person) [tomorrow at 3pm](when)',
    'book time with [Grace](person) on [Friday at 10am](when) about the [Q3 budget](topic)',
    'set up a call with [Alan Turing](person) [next Monday at 9:30](when)',
    'can you arrange a meeting with [Katherine](person) on [March 12 at 2pm](when) to discuss [hiring](topic)',
    'meet [Linus](person) [tomorrow at noon](when)',
    'I need a meeting with [Margaret Hamilton](person) about the [launch plan](topic) on [Thursday at 4pm](when)',
    'meeting with [Barbara Liskov](person), [Wednesday 11am](when), [architecture review](topic)',
    'put a meeting in the calendar with [Dennis](person) for [next Tuesday at 3pm](when)',
    'schedule a [design review](topic) with [Grace Hopper](person) [tomorrow at 10am](when)',
    'book a 1:1 with [Ada](person) [today at 5pm](when)',
    'organise a sync with [Alan](person) on [June 3 at 9am](when) regarding [onboarding](topic)',
    'set a meeting with [Margaret](person) at [3pm tomorrow](when)',
    'can I get 30 minutes with [Barbara](person) on [Thursday at 10:30](when)',
    'invite [Dennis Ritchie](person) to a meeting [tomorrow at 11am](when) about the [compiler](topic)',
    'arrange a call with [Grace](person) [next Friday at 4pm](when)',
    'meeting with [Ada Lovelace](person) on [2026-05-04 at 14:00](when), topic [budget](topic)',
    'please book a meeting with [Alan Turing](person) for [the 15th at 9am](when) to talk about [security](topic)',
    'schedule a meeting about the [roadmap](topic) with [Linus Torvalds](person) for [Friday at 1pm](when)',
    'find a slot with [Katherine Johnson](person) [Monday at 2pm](when)',
    'set up a meeting [tomorrow at 9am](when) with [Margaret](person)',
    'meet [Grace Hopper](person) about [hiring](topic) on [Monday at 11am](when)',
    'book a call with [Dennis](person) about [code reviews](topic) on [Tuesday at 2pm](when)',
    'set up a meeting with [Katherine Johnson](person) about [budgets](topic) [next Thursday at 9am](when)',
    'arrange a sync with [Linus](person) about [release planning](topic) [next Wednesday at 10am](when)',
    'schedule a call with [Barbara](person) about [testing](topic) on [May 5 at 4pm](when)',
  ],
  entities: z.object({
    person: z.string().meta({ description: 'Who to meet: a name from the staff directory.' }),
    when: z.iso.datetime().meta({ description: 'When the meeting starts.', ask: 'When should the meeting start?' }),
    // Annotated without a leading article: "about the [roadmap](topic)" gives "roadmap".
    topic: z.string().optional().meta({ description: 'What the meeting is about.' }),
  }),
});
