import { describe, expect, it } from 'vitest';
import { highDetailTokens } from './prompt-size.ts';
import { pngDataUrl } from './testing/png.ts';
import { countTextTokens, estimateInputTokens } from './usage.ts';
import type { ChatMessage } from './wire.ts';

const withImage = (url: string, detail?: string): ChatMessage[] => [
  {
    role: 'user',
    content: [
      { type: 'text', text: 'what is in this picture?' },
      { type: 'image_url', image_url: { url, ...(detail && { detail }) } },
    ],
  },
];

describe('estimated prompt tokens', () => {
  it('counts images by their size, as GPT-4o bills them', async () => {
    const textOnly = await estimateInputTokens({ messages: [{ role: 'user', content: 'what is in this picture?' }] });
    const extra = async (url: string, detail?: string) => (await estimateInputTokens({ messages: withImage(url, detail) })) - textOnly;
    // 300 × 200: one 512 px tile.
    expect(await extra(pngDataUrl(300, 200))).toBe(85 + 170);
    // 1024 × 1024: its shorter side scaled to 768, 2 × 2 tiles.
    expect(await extra(pngDataUrl(1024, 1024))).toBe(85 + 4 * 170);
    // 2048 × 4096: fit into 2048 (1024 × 2048), then 768 × 1536, 2 × 3 tiles.
    expect(await extra(pngDataUrl(2048, 4096))).toBe(85 + 6 * 170);
    expect(await extra(pngDataUrl(2048, 4096), 'low')).toBe(85);
    // A URL the gateway does not fetch, or data it cannot read, counts as a square image of 1024 px or more.
    expect(await extra('https://example.com/cat.png')).toBe(85 + 4 * 170);
    expect(await extra('data:image/png;base64,bm90IGFuIGltYWdl')).toBe(85 + 4 * 170);
  });

  it('reads the size of the first 8 images of a call only, and counts the rest as of unknown size', async () => {
    const picture = { type: 'image_url', image_url: { url: pngDataUrl(300, 300) } };
    const messages: ChatMessage[] = [{ role: 'user', content: Array.from({ length: 10 }, () => picture) }];
    expect(await estimateInputTokens({ messages })).toBe(3 + 3 + 8 * (85 + 170) + 2 * (85 + 4 * 170));
  });

  it('counts tool definitions and the tool calls of earlier turns', async () => {
    const messages: ChatMessage[] = [{ role: 'user', content: 'move Apollo to done' }];
    const tools = [
      {
        type: 'function',
        function: {
          name: 'update_status',
          description: 'Moves a project to a status',
          parameters: { type: 'object', properties: { project: { type: 'string' } } },
        },
      },
    ];
    const bare = await estimateInputTokens({ messages });
    expect(await estimateInputTokens({ messages, tools })).toBe(bare + (await countTextTokens(JSON.stringify(tools))));
    const call = { id: 'call_1', type: 'function', function: { name: 'update_status', arguments: '{"project":"Apollo"}' } };
    const withCall: ChatMessage[] = [...messages, { role: 'assistant', content: null, tool_calls: [call] }];
    expect(await estimateInputTokens({ messages: withCall })).toBe(bare + 3 + (await countTextTokens('update_status{"project":"Apollo"}')));
  });

  it('scales an image the way the published formula does', () => {
    expect(highDetailTokens(512, 512)).toBe(85 + 170);
    expect(highDetailTokens(513, 512)).toBe(85 + 2 * 170);
    expect(highDetailTokens(4096, 8192)).toBe(85 + 6 * 170);
  });
});
