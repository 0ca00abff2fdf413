// Replies to a greeting.
import { defineAction } from '@inputbot/runtime';
import greet from '../intents/greet.ts';

export default defineAction(greet, {
  run: () => 'Hello! I can check on your orders. Try "where is order A1042?"',
});
