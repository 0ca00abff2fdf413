// What a chat request puts in front of a model besides its messages' text: tool definitions, earlier tool calls
// and images, in the form the gateway's token estimates count them.
import { imageSize } from 'image-size';
import { type ChatRequest, contentText } from './wire.ts';

/** The prompt as text to count, plus the tokens of its images (not text, so counted by formula). */
export interface PromptSize {
  /** Every message's text and tool calls, one entry per message (each costs framing tokens besides). */
  messageTexts: string[];
  /** The tool definitions (`tools`), serialised: providers bill them as prompt tokens. */
  toolsText: string;
  imageTokens: number;
}

/** What a prompt is sized from: the messages, and the tool definitions they may call. */
export type PromptInput = Pick<ChatRequest, 'messages'> & { tools?: unknown };

// A call may be sized twice (its budget reservation, then its usage when the provider reports none).
const sized = new WeakMap<PromptInput, PromptSize>();

/** The request's `tools` and its messages' tool calls and images, besides their text. */
export function promptSize(request: PromptInput): PromptSize {
  let size = sized.get(request);
  if (!size) {
    size = measure(request);
    sized.set(request, size);
  }
  return size;
}

function measure(request: PromptInput): PromptSize {
  let imageTokens = 0;
  let images = 0;
  const messageTexts = request.messages.map((message) => {
    if (Array.isArray(message.content))
      for (const part of message.content) if (part.type === 'image_url') imageTokens += imagePartTokens(part, images++ < MAX_SIZED_IMAGES);
    const calls = (message as { tool_calls?: unknown }).tool_calls;
    return contentText(message.content) + (Array.isArray(calls) ? toolCallsText(calls) : '');
  });
  const toolsText = Array.isArray(request.tools) && request.tools.length > 0 ? JSON.stringify(request.tools) : '';
  return { messageTexts, toolsText, imageTokens };
}

/**
 * What a model wrote in tool calls (each call's name and arguments, or a streamed delta's pieces of them), to count
 * with its text when the provider reports no usage: the same for an answer and for the stream of the same answer.
 */
export function toolCallsText(calls: unknown[] | undefined): string {
  if (!Array.isArray(calls)) return '';
  return calls
    .map((call) => {
      const fn = (call as { function?: { name?: unknown; arguments?: unknown } } | null)?.function;
      return `${typeof fn?.name === 'string' ? fn.name : ''}${typeof fn?.arguments === 'string' ? fn.arguments : ''}`;
    })
    .join('');
}

// GPT-4o's published image pricing: a low-detail image is 85 tokens; otherwise the image is scaled to fit 2048 px,
// then its shorter side to 768 px, and costs 85 plus 170 per 512 px tile.
const LOW_DETAIL_TOKENS = 85;
const TILE_TOKENS = 170;
// An image whose size the gateway cannot read (a URL it does not fetch, a format it does not know) counts as a
// square one of 1024 px or more: 4 tiles.
const UNKNOWN_SIZE_TOKENS = LOW_DETAIL_TOKENS + 4 * TILE_TOKENS;
// How much of a data URL is read for the size (72 KB: any PNG, GIF or WebP header, and a JPEG's after most EXIF
// segments), and of how many images in one call: reading a JPEG walks its segments, and this runs on the
// gateway's event loop. An image past either limit counts as one of unknown size.
const HEADER_BASE64_CHARS = 96 * 1024;
const MAX_SIZED_IMAGES = 8;

function imagePartTokens(part: { type: string; [key: string]: unknown }, readSize: boolean): number {
  const image = part.image_url as { url?: unknown; detail?: unknown } | undefined;
  if (image?.detail === 'low') return LOW_DETAIL_TOKENS;
  const size = readSize && typeof image?.url === 'string' ? dataUrlImageSize(image.url) : undefined;
  return size ? highDetailTokens(size.width, size.height) : UNKNOWN_SIZE_TOKENS;
}

/** Tokens of a high-detail image of `width` × `height` pixels, as GPT-4o counts them. */
export function highDetailTokens(width: number, height: number): number {
  const fit = Math.min(1, 2048 / Math.max(width, height));
  let [w, h] = [width * fit, height * fit];
  const shorter = Math.min(w, h);
  if (shorter > 768) [w, h] = [(w * 768) / shorter, (h * 768) / shorter];
  return LOW_DETAIL_TOKENS + TILE_TOKENS * Math.ceil(w / 512) * Math.ceil(h / 512);
}

function dataUrlImageSize(url: string): { width: number; height: number } | undefined {
  const start = url.startsWith('data:') ? url.indexOf(';base64,') + ';base64,'.length : -1;
  if (start < ';base64,'.length) return undefined;
  const base64 = url.slice(start, start + HEADER_BASE64_CHARS);
  try {
    const { width, height } = imageSize(Buffer.from(base64.slice(0, base64.length - (base64.length % 4)), 'base64'));
    return width && height ? { width, height } : undefined;
  } catch {
    return undefined;
  }
}
