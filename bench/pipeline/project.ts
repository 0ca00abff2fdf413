// The benchmark's bot: two intents, each with a trivial action returning a string, and a few out-of-scope examples.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNTIME = fileURLToPath(new URL('../../packages/runtime', import.meta.url));

export const GREET_ACTION = 'actions/greet.ts';
export const greetAction = (reply: string) => `import { defineAction } from '@inputbot/runtime';
import greet from '../intents/greet.ts';

export default defineAction(greet, { run: () => ${JSON.stringify(reply)} });
`;

const files: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'bench-bot', version: '0.0.0', private: true, type: 'module' }, null, 2),
  'bot.config.ts': `import { defineBot } from '@inputbot/runtime';
export default defineBot({ name: 'bench-bot', nlu: { mode: 'local' } });
`,
  'intents/greet.ts': `import { defineIntent, z } from '@inputbot/runtime';
export default defineIntent({
  name: 'greet',
  description: 'The user says hello.',
  examples: ['hello', 'hello there', 'hi', 'hey', 'good morning', 'hi there', 'hey bot', 'good evening', 'greetings', 'howdy'],
  entities: z.object({}),
});
`,
  'intents/check-status.ts': `import { defineIntent, z } from '@inputbot/runtime';
export default defineIntent({
  name: 'check_status',
  description: 'The user asks whether the service is up.',
  examples: ['is the service up', 'what is the status', 'are you running', 'status please', 'is everything ok', 'any outage right now', 'system status', 'is it working'],
  entities: z.object({}),
});
`,
  [GREET_ACTION]: greetAction('Hello!'),
  'actions/check-status.ts': `import { defineAction } from '@inputbot/runtime';
import checkStatus from '../intents/check-status.ts';

export default defineAction(checkStatus, { run: () => 'All systems go.' });
`,
  'data/none.yaml': `- intent: none
  examples:
    - what is the weather in paris
    - order a pizza
    - play some music
    - how tall is mount everest
    - tell me a joke
`,
};

/** Writes the project into `root` and links @inputbot/runtime from this repository. */
export function writeBenchProject(root: string): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  mkdirSync(path.join(root, 'node_modules/@inputbot'), { recursive: true });
  symlinkSync(RUNTIME, path.join(root, 'node_modules/@inputbot/runtime'), 'dir');
}
