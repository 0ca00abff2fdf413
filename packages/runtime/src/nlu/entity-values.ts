// Normalises entity text to a value of its kind: enum members (synonyms, small typos), numbers, booleans.
import { normalize } from './tokenize.ts';

/** Lowercase, no diacritics, `_`/`-` as spaces, single spaces: how enum values and text are compared. */
export function normalizePhrase(text: string): string {
  return normalize(text)
    .replace(/[_\-\s]+/g, ' ')
    .trim();
}

/** An enum's accepted phrases, normalised, each pointing at its value. */
export type EnumLexicon = Map<string, string>;

export function createEnumLexicon(values: readonly string[], synonyms: Record<string, readonly string[]> = {}): EnumLexicon {
  const lexicon: EnumLexicon = new Map();
  for (const value of values) lexicon.set(normalizePhrase(value), value);
  for (const [value, words] of Object.entries(synonyms)) for (const w of words) if (!lexicon.has(normalizePhrase(w))) lexicon.set(normalizePhrase(w), value);
  return lexicon;
}

// Below this length a single edit turns too many words into others ("cat" -> "car").
const MIN_TYPO_LENGTH = 5;

/** The enum value `text` means: exact match, or one edit away for phrases of 5+ characters. */
export function matchEnum(text: string, lexicon: EnumLexicon): string | undefined {
  const phrase = normalizePhrase(text);
  const exact = lexicon.get(phrase);
  if (exact !== undefined || phrase.length < MIN_TYPO_LENGTH) return exact;
  for (const [candidate, value] of lexicon) {
    if (candidate.length >= MIN_TYPO_LENGTH && Math.abs(candidate.length - phrase.length) <= 1 && editDistance(candidate, phrase, 1) <= 1) return value;
  }
  return undefined;
}

/** Optimal-string-alignment distance (a swap of two neighbours is one edit), stopping early past `limit`. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = new Int32Array(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    let rowMin = Number.POSITIVE_INFINITY;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((d[(i - 1) * cols + j] as number) + 1, (d[i * cols + j - 1] as number) + 1, (d[(i - 1) * cols + j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (d[(i - 2) * cols + j - 2] as number) + 1);
      d[i * cols + j] = v;
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > limit) return rowMin;
  }
  return d[rows * cols - 1] as number;
}

const SMALL: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  a: 1,
  an: 1,
  half: 0.5,
};
const SCALES: Record<string, number> = { dozen: 12, hundred: 100, thousand: 1_000, million: 1_000_000, billion: 1_000_000_000 };

/** True for a word that can be part of a spelled-out number. */
export function isNumberWord(word: string): boolean {
  const w = word.toLowerCase();
  return (w in SMALL && w !== 'a' && w !== 'an') || w in SCALES;
}

/** Reads "42", "3.5", "1,000", "twenty-five", "two hundred and ten", "a dozen"; undefined otherwise. */
export function parseNumber(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (/^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(trimmed)) return Number(trimmed.replace(/,/g, ''));
  if (/^[-+]?(\d+(\.\d+)?|\.\d+)$/.test(trimmed)) return Number(trimmed);
  const words = trimmed.split(/[\s-]+/).filter((w) => w !== 'and');
  if (words.length === 0 || !words.some(isNumberWord)) return undefined;
  let total = 0;
  let current = 0;
  for (const word of words) {
    if (word in SMALL) current += SMALL[word] as number;
    else if (word in SCALES) {
      const scale = SCALES[word] as number;
      current = (current || 1) * scale;
      if (scale >= 1000) {
        total += current;
        current = 0;
      }
    } else if (/^\d+(\.\d+)?$/.test(word)) current += Number(word);
    else return undefined;
  }
  return total + current;
}

const TRUE_WORDS = new Set(['yes', 'y', 'yeah', 'yep', 'yup', 'true', 'sure', 'ok', 'okay', 'on', 'enable', 'enabled', 'correct', 'affirmative']);
const FALSE_WORDS = new Set(['no', 'n', 'nope', 'nah', 'false', 'off', 'disable', 'disabled', 'not', 'never', 'negative']);

/** "yes"/"no" and their kin; undefined when the text says neither. */
export function parseBoolean(text: string): boolean | undefined {
  const phrase = normalizePhrase(text);
  if (TRUE_WORDS.has(phrase)) return true;
  if (FALSE_WORDS.has(phrase)) return false;
  return undefined;
}
