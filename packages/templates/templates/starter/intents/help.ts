// The user asks what the bot can do.
import { defineIntent } from '@inputbot/runtime';

export default defineIntent({
  name: 'help',
  description: 'The user asks what the bot can do or how to use it.',
  examples: [
    'help',
    'help me',
    'what can you do?',
    'what do you do',
    'how does this work?',
    'what are my options',
    'I need help',
    'can you help me?',
    'show me what you can do',
    'what can I ask you?',
    'how do I use this bot',
    'what commands do you understand',
  ],
});
