// The user looks someone up in the staff directory.
import { defineIntent, z } from '@inputbot/runtime';

export default defineIntent({
  name: 'lookup_employee',
  description: 'Find a colleague in the staff directory: title, team, email and phone.',
  examples: [
    'who is [Ada Lovelace](name)',
    'look up [Grace Hopper](name)',
    'find [Alan](name) in the directory',
    "what is [Katherine Johnson](name)'s email",
    'what team is [Linus](name) on',
    'how do I reach [Margaret Hamilton](name)',
    'show me the profile of [Barbara Liskov](name)',
    'contact details for [Dennis Ritchie](name)',
    'search the staff directory for [Grace](name)',
    "what's [Alan Turing](name)'s job title",
    'where does [Ada](name) work',
    'tell me about [Katherine](name)',
    'employee lookup: [Linus Torvalds](name)',
    'I need the phone number of [Margaret](name)',
    'is [Barbara](name) on the engineering team',
    'find the email address for [Dennis](name)',
    'who is [Tim Berners-Lee](name)',
    'do we have someone called [Frances Allen](name)',
    "get me [Grace Hopper](name)'s details",
    'which department is [Alan Turing](name) in',
  ],
  entities: z.object({
    name: z.string().meta({ description: "The person's name, or part of it." }),
  }),
});
