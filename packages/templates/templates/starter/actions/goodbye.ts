// Ends the conversation politely.
import { defineAction } from '@inputbot/runtime';
import goodbye from '../intents/goodbye.ts';

export default defineAction(goodbye, {
  run: () => 'Goodbye! Come back any time.',
});
