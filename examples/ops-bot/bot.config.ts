// The bot's configuration: `bot check` validates it and `bot dev` runs the bot with it.
import { defineBot } from '@inputbot/runtime';

export default defineBot({
  name: 'ops-bot',
  nlu: {
    // local: the embedded engine, no network. llm: a model through the gateway. cascade: local first, the LLM when unsure.
    mode: 'local',
    // Below this confidence a message is treated as out of scope (the `none` intent).
    threshold: 0.5,
    minExamples: 3,
  },
  broker: {
    kind: 'sqlite',
  },
  gateway: {
    port: 3000,
  },
  // `bot test` exits 1 below these, once you know what your bot reaches:
  // test: { thresholds: { accuracy: 0.9, entityF1: 0.8 } },
});
