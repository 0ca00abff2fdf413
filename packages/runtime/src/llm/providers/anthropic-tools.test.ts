// Tools, tool results and images through the Anthropic translation, end to end: the openai SDK against the real gateway,
// the fake Anthropic on 127.0.0.1 recording the exact Messages API body it received.
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LlmStack, startLlmStack } from '../../services/gateway/__fixtures__/llm-stack.ts';
import { type FakeAnthropicBlock, type FakeProvider, startFakeAnthropic } from '../testing/fake-anthropic.ts';

let claude: FakeProvider;
let stack: LlmStack | undefined;
/** The answer the fake gives next; undefined: its default text. */
let answer: FakeAnthropicBlock[] | undefined;

beforeEach(async () => {
  answer = undefined;
  claude = await startFakeAnthropic({ content: () => answer });
});

afterEach(async () => {
  await stack?.close();
  stack = undefined;
  await claude.close();
});

async function start(options: { cache?: boolean } = {}): Promise<OpenAI> {
  stack = await startLlmStack({
    providers: { anthropic: { kind: 'anthropic', baseUrl: claude.url } },
    ...(options.cache && { cache: { enabled: true } }),
    timeouts: { connect: '5s', firstToken: '5s' },
    retries: { attempts: 0 },
  });
  return new OpenAI({ baseURL: `${stack.url}/llm/v1`, apiKey: 'local', maxRetries: 0 });
}

const MODEL = 'claude-sonnet-4-5';
const weather: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The weather in a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const clock: OpenAI.ChatCompletionTool = { type: 'function', function: { name: 'get_time' } };
const twoCalls: FakeAnthropicBlock[] = [
  { type: 'text', text: 'Let me check both.' },
  { type: 'tool_use', id: 'toolu_weather', name: 'get_weather', input: { city: 'Paris', units: { temp: 'C' } } },
  { type: 'tool_use', id: 'toolu_time', name: 'get_time', input: {} },
];
const bodyOf = (n: number) => claude.received[n]?.body as Record<string, unknown>;

describe('Anthropic tools', () => {
  it('translates tools, tool_choice and parallel_tool_calls into the exact Messages API body', async () => {
    const client = await start();
    const messages = [{ role: 'user' as const, content: 'Weather in Paris?' }];
    await client.chat.completions.create({
      model: MODEL,
      messages,
      tools: [weather, clock],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
    });
    expect(bodyOf(0)).toEqual({
      model: MODEL,
      max_tokens: 4096,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [
        {
          name: 'get_weather',
          description: 'The weather in a city.',
          input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
        { name: 'get_time', input_schema: { type: 'object', properties: {} } },
      ],
      tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
    });
    for (const tool_choice of ['auto', 'required', 'none'] as const)
      await client.chat.completions.create({ model: MODEL, messages, tools: [weather], tool_choice });
    await client.chat.completions.create({ model: MODEL, messages, tools: [weather] });
    expect([1, 2, 3, 4].map((n) => bodyOf(n).tool_choice)).toEqual([{ type: 'auto' }, { type: 'any' }, { type: 'none' }, undefined]);
  });

  it('answers a tool_use as tool_calls the openai SDK reads, with the text as content, or null without text', async () => {
    const client = await start();
    answer = twoCalls;
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Weather and time?' }],
      tools: [weather, clock],
    });
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        role: 'assistant',
        content: 'Let me check both.',
        tool_calls: [
          { id: 'toolu_weather', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","units":{"temp":"C"}}' } },
          { id: 'toolu_time', type: 'function', function: { name: 'get_time', arguments: '{}' } },
        ],
      },
    });
    answer = twoCalls.slice(2);
    const bare = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Time?' }], tools: [clock] });
    expect(bare.choices[0]?.message).toMatchObject({ content: null, tool_calls: [{ id: 'toolu_time', function: { name: 'get_time', arguments: '{}' } }] });
    expect(bare.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('streams tool_use blocks as tool_calls deltas, indexed over tool calls only, that the SDK accumulates into valid JSON', async () => {
    const client = await start();
    answer = twoCalls;
    const stream = client.chat.completions.stream({ model: MODEL, messages: [{ role: 'user', content: 'Weather and time?' }], tools: [weather, clock] });
    const deltas: unknown[] = [];
    for await (const chunk of stream) deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
    const final = await stream.finalChatCompletion();
    const calls = final.choices[0]?.message.tool_calls ?? [];
    expect(calls.map((call) => (call.type === 'function' ? [call.id, call.function.name, JSON.parse(call.function.arguments)] : call))).toEqual([
      ['toolu_weather', 'get_weather', { city: 'Paris', units: { temp: 'C' } }],
      ['toolu_time', 'get_time', {}],
    ]);
    expect(final.choices[0]).toMatchObject({ finish_reason: 'tool_calls', message: { content: 'Let me check both.' } });
    // The Anthropic blocks are 1 and 2 (after the text); OpenAI's indexes are 0 and 1, the arguments in several pieces.
    expect(deltas[0]).toEqual({ index: 0, id: 'toolu_weather', type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(deltas.filter((d) => (d as { index: number }).index === 0).length).toBeGreaterThan(3);
    expect(deltas.at(-1)).toMatchObject({ index: 1, function: { arguments: '{}' } });
  });

  it('estimates the same tokens for a tool-call answer without usage, streamed or not', async () => {
    const client = await start();
    answer = twoCalls;
    claude.script({ kind: 'no-usage' }, { kind: 'no-usage' });
    const request = { model: MODEL, messages: [{ role: 'user' as const, content: 'Weather and time?' }], tools: [weather, clock] };
    await client.chat.completions.create(request);
    const once = (await stack?.store.usageTotals())?.total.outputTokens ?? 0;
    await client.chat.completions.stream({ ...request, stream: true }).finalChatCompletion();
    const twice = (await stack?.store.usageTotals())?.total.outputTokens ?? 0;
    // The text, both tools' names and their arguments: more than the arguments alone would give.
    expect(once).toBeGreaterThan(15);
    expect(twice - once).toBe(once);
  });

  it('sends image parts: a data URL as a base64 source, an https URL as a URL source, next to the text', async () => {
    const client = await start();
    await client.chat.completions.create({
      model: MODEL,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What differs?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'low' } },
          ],
        },
      ],
    });
    expect(bodyOf(0).messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What differs?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
  });

  it('sends a PDF file part as a document block, and refuses a file by id or of another type naming the field', async () => {
    const client = await start();
    const pdf = `data:application/pdf;base64,${Buffer.from('%PDF-1.4 minimal').toString('base64')}`;
    await client.chat.completions.create({
      model: MODEL,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Summarise it.' },
            { type: 'file', file: { file_data: pdf, filename: 'report.pdf' } },
          ],
        },
      ],
    });
    expect(bodyOf(0).messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Summarise it.' },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: pdf.split(',')[1] }, title: 'report.pdf' },
        ],
      },
    ]);
    const refused = (file: Record<string, string>) =>
      client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: [{ type: 'file', file }] }] }).catch((error) => error);
    const byId = await refused({ file_id: 'file-abc123' });
    expect(byId).toMatchObject({ status: 400, code: 'LLM_UNSUPPORTED_CONTENT' });
    expect(byId.message).toContain('body.messages.0.content.0.file.file_id: a file uploaded to OpenAI');
    const csv = await refused({ file_data: 'data:text/csv;base64,YSxi', filename: 'a.csv' });
    expect(csv).toMatchObject({ status: 400, code: 'LLM_UNSUPPORTED_CONTENT' });
    expect(csv.message).toContain('a file of type text/csv');
    expect(claude.counts.requests).toBe(1);
  });

  it('round-trips tool results: tool_calls and tool messages become tool_use and tool_result blocks in alternating turns', async () => {
    const client = await start();
    answer = [{ type: 'text', text: 'Sunny, 21 °C, and it is noon.' }];
    const completion = await client.chat.completions.create({
      model: MODEL,
      tools: [weather, clock],
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'user', content: 'And the time?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'toolu_weather', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'toolu_time', type: 'function', function: { name: 'get_time', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_weather', content: 'sunny, 21 C' },
        { role: 'tool', tool_call_id: 'toolu_time', content: [{ type: 'text', text: '12:00' }] },
        { role: 'user', content: 'Summarise.' },
      ],
    });
    expect(completion.choices[0]).toMatchObject({ message: { content: 'Sunny, 21 °C, and it is noon.' }, finish_reason: 'stop' });
    expect(bodyOf(0).system).toBe('Be brief.');
    expect(bodyOf(0).messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather in Paris?' },
          { type: 'text', text: 'And the time?' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_weather', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_time', name: 'get_time', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_weather', content: 'sunny, 21 C' },
          { type: 'tool_result', tool_use_id: 'toolu_time', content: [{ type: 'text', text: '12:00' }] },
          { type: 'text', text: 'Summarise.' },
        ],
      },
    ]);
  });

  it('offers the structured-output tool next to the caller tools, unforced, and reads its call back as the JSON answer', async () => {
    const client = await start();
    const response_format = {
      type: 'json_schema' as const,
      json_schema: { name: 'reply', schema: { type: 'object', properties: { text: { type: 'string' } } } },
    };
    // Unforced, the model may write a preamble before calling the structured tool: the answer is the JSON alone.
    answer = [
      { type: 'text', text: 'Sure, here it is: ' },
      { type: 'tool_use', id: 'toolu_s', name: 'structured_output', input: { text: 'hello' } },
    ];
    const completion = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }], tools: [clock], response_format });
    expect(completion.choices[0]).toMatchObject({ message: { content: '{"text":"hello"}' }, finish_reason: 'stop' });
    expect(completion.choices[0]?.message.tool_calls).toBeUndefined();
    expect(bodyOf(0).tools).toEqual([
      { name: 'get_time', input_schema: { type: 'object', properties: {} } },
      { name: 'structured_output', description: 'Answer with reply.', input_schema: response_format.json_schema.schema },
    ]);
    expect(bodyOf(0).tool_choice).toBeUndefined();

    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Hi' }],
      tools: [clock],
      response_format,
      stream: true,
    });
    let text = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      expect(chunk.choices[0]?.delta.tool_calls).toBeUndefined();
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect([JSON.parse(text), finish]).toEqual([{ text: 'hello' }, 'stop']);
  });

  it('refuses invalid tool-call arguments and unsupported parts with a 400 naming the field, without calling Anthropic', async () => {
    const client = await start();
    const badArguments = await client.chat.completions
      .create({
        model: MODEL,
        messages: [
          { role: 'user', content: 'Weather?' },
          { role: 'assistant', tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Par' } }] },
          { role: 'tool', tool_call_id: 'toolu_1', content: 'sunny' },
        ],
        tools: [weather],
      })
      .catch((error) => error);
    expect(badArguments).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(badArguments.message).toContain('body.messages.1.tool_calls.0.function.arguments: not valid JSON');

    const audio = await client.chat.completions
      .create({
        model: MODEL,
        messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } }] }],
      })
      .catch((error) => error);
    expect(audio).toMatchObject({ status: 400, code: 'LLM_UNSUPPORTED_CONTENT' });
    expect(audio.message).toContain('body.messages.0.content.0: a "input_audio" content part');

    const tiff = await client.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/tiff;base64,AAAA' } }] }] })
      .catch((error) => error);
    expect(tiff).toMatchObject({ status: 400, code: 'LLM_UNSUPPORTED_CONTENT' });
    expect(claude.counts.requests).toBe(0);
  });

  it('serves a cached tool-call answer again, as JSON and replayed as a stream, tool calls included', async () => {
    const client = await start({ cache: true });
    answer = twoCalls;
    const request = { model: MODEL, messages: [{ role: 'user' as const, content: 'Weather and time?' }], tools: [weather, clock] };
    const first = await client.chat.completions.create(request);
    const again = await client.chat.completions.create(request);
    expect(again.choices[0]?.message.tool_calls).toEqual(first.choices[0]?.message.tool_calls);
    const stream = client.chat.completions.stream({ ...request, stream: true });
    const streamed = await stream.finalChatCompletion();
    expect(claude.received).toHaveLength(1);
    expect(streamed.choices[0]?.message.tool_calls).toEqual(first.choices[0]?.message.tool_calls);
    expect(streamed.choices[0]?.finish_reason).toBe('tool_calls');
  });
});
