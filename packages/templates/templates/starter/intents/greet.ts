// The user says hello.
import { defineIntent } from '@inputbot/runtime';

export default defineIntent({
  name: 'greet',
  description: 'The user greets the bot.',
  examples: [
    'hi',
    'hello',
    'hey',
    'hey there',
    'hello bot',
    'hi there, how are you?',
    'good morning',
    'good afternoon',
    'good evening',
    'howdy',
    'yo',
    'hiya',
    'greetings',
    'hello, anyone there?',
  ],
});
