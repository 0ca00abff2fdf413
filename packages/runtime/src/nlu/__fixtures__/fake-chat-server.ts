// A minimal OpenAI chat-completions server on 127.0.0.1 for the nlp LLM path's tests, standing in for the gateway
// (it sets the gateway's cost header): answers are scripted per request, as JSON content. The provider fakes in
// llm/testing/ script failure modes instead, for the gateway's own tests.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeChatRequest {
  body: { model: string; messages: { role: string; content: string }[]; response_format?: unknown } & Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  /** The last user message. */
  userText: string;
}

/** A JSON value to send as the message content, or a raw answer. */
export type FakeAnswer = unknown | { raw: string } | { status: number; error: string };

export interface FakeChat {
  /** The base URL for the openai SDK: `http://127.0.0.1:<port>/v1`. */
  url: string;
  requests: FakeChatRequest[];
  close(): Promise<void>;
}

/** Tokens every answer reports, and the cost header it sets (`x-inputbot-cost-usd`). */
export const FAKE_USAGE = { prompt_tokens: 120, completion_tokens: 15, costUsd: 0.0002 };

/** `answer` may return a promise: a slow model. */
export async function startFakeChat(answer: (request: FakeChatRequest) => FakeAnswer | Promise<FakeAnswer>): Promise<FakeChat> {
  const requests: FakeChatRequest[] = [];
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (chunk) => (data += chunk));
    req.on('end', async () => {
      const body = JSON.parse(data) as FakeChatRequest['body'];
      const userText = body.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
      const request = { body, headers: req.headers, userText };
      requests.push(request);
      const scripted = (await answer(request)) as { raw?: string; status?: number; error?: string };
      if (typeof scripted === 'object' && scripted !== null && typeof scripted.status === 'number') {
        res.writeHead(scripted.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: scripted.error, type: 'fake_error' } }));
        return;
      }
      const content = typeof scripted === 'object' && scripted !== null && typeof scripted.raw === 'string' ? scripted.raw : JSON.stringify(scripted);
      res.writeHead(200, { 'content-type': 'application/json', 'x-inputbot-cost-usd': String(FAKE_USAGE.costUsd) });
      res.end(
        JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion',
          created: 1_700_000_000,
          model: body.model,
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content, refusal: null } }],
          usage: { prompt_tokens: FAKE_USAGE.prompt_tokens, completion_tokens: FAKE_USAGE.completion_tokens, total_tokens: 135 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
