import { describe, expect, it } from 'vitest';
import { tokenize } from './tokenize.ts';

describe('tokenize', () => {
  it('keeps offsets that map back to the original text', () => {
    const text = 'Move Café-Zürich to “done” by 7:30, don’t wait!';
    const tokens = tokenize(text);
    for (const t of tokens) expect(text.slice(t.start, t.end)).toBe(t.text);
    expect(tokens.map((t) => t.text)).toEqual(['Move', 'Café-Zürich', 'to', '“', 'done', '”', 'by', '7:30', ',', 'don’t', 'wait', '!']);
  });

  it('normalises case and diacritics for features', () => {
    expect(tokenize('Café ÉCOLE don’t').map((t) => t.norm)).toEqual(['cafe', 'ecole', "don't"]);
  });

  it('handles scripts without spaces between words as runs of letters', () => {
    expect(tokenize('привет мир').map((t) => t.norm)).toEqual(['привет', 'мир']);
  });
});
