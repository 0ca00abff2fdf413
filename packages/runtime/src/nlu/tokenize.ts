// A small Unicode-aware tokenizer that keeps each token's character offsets in the original text.

/** One token: its text as written, a normalised form for features, and its `[start, end)` offsets. */
export interface Token {
  text: string;
  norm: string;
  start: number;
  end: number;
}

// Words (letters and marks, with inner apostrophes or hyphens: "don't", "e-mail"), numbers with inner
// separators ("7:30", "3.5", "1,000"), or any other single non-space character.
const TOKEN = /[\p{L}\p{M}]+(?:['’-][\p{L}\p{M}]+)*|\p{N}+(?:[.,:]\p{N}+)*|[^\s\p{L}\p{M}\p{N}]/gu;
const MARKS = /\p{M}/gu;

/** Splits text into tokens; `text.slice(t.start, t.end) === t.text` for every token. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const start = match.index;
    const surface = match[0];
    tokens.push({ text: surface, norm: normalize(surface), start, end: start + surface.length });
  }
  return tokens;
}

/** Lowercases and strips diacritics, so "Café" and "cafe" are one feature; ’ becomes '. */
export function normalize(word: string): string {
  const lower = word.toLowerCase();
  // Printable ASCII is by far the common case: skip the NFD pass for it.
  if (!/[^ -~]/.test(lower)) return lower;
  return lower.normalize('NFD').replace(MARKS, '').replace(/’/g, "'");
}
