// The upstream, in its own process: the runtime's zero-delay fake OpenAI on 127.0.0.1. Prints {"url"} when ready.
import { startFakeOpenAi } from '../../packages/runtime/src/llm/testing/fake-openai.ts';

const fake = await startFakeOpenAi();
// The fake records every request body; drop them so memory stays flat over a long run.
setInterval(() => void fake.received.splice(0), 1000).unref();
process.stdout.write(`${JSON.stringify({ url: fake.url })}\n`);
process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
