// Explains what the bot can do.
import { defineAction } from '@inputbot/runtime';
import help from '../intents/help.ts';

export default defineAction(help, {
  run: () => 'I can tell you where an order is: ask "where is order A1042?" or "has B2210 shipped?"',
});
