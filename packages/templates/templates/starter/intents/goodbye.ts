// The user ends the conversation.
import { defineIntent } from '@inputbot/runtime';

export default defineIntent({
  name: 'goodbye',
  description: 'The user says goodbye.',
  examples: [
    'bye',
    'goodbye',
    'bye bye',
    'see you',
    'see you later',
    'see ya',
    'talk to you later',
    'that is all, thanks',
    "that's everything, bye",
    'good night',
    'I have to go',
    'catch you later',
    'thanks, bye!',
  ],
});
