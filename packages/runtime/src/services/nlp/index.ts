// The nlp service: intent recognition and multi-turn conversation context between `inputs` and `intents`.
export { createNlp } from './create-nlp.ts';
