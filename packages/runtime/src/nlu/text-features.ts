// Turns text into a TF-IDF sparse vector of hashed word uni/bigrams and in-word char n-grams.
import { HASH_SEED, hashCombine, hashStep, hashString } from './hash.ts';
import type { SparseVector } from './sparse.ts';
import { tokenize } from './tokenize.ts';

/** How text becomes features; stored in the model so parsing featurises exactly as training did. */
export interface TextFeatureConfig {
  /** Shortest and longest char n-gram, counted on the word padded as `<word>`. */
  charMin: number;
  charMax: number;
  /** Relative weight of the word block and the char block (each is L2-normalised first). */
  wordWeight: number;
  charWeight: number;
  /** Features seen in fewer training texts than this are dropped. */
  minDf: number;
  /**
   * The char block's weight, relative to `charWeight`, in a text none of whose words the vocabulary knows. Its only
   * evidence is then letters it shares with training words ("hello" with "Apollo"), weaker than words: at full
   * weight a one-word greeting could score as an intent. Absent in models trained before it: 1.
   */
  lettersOnlyWeight?: number;
}

export const DEFAULT_TEXT_FEATURES: TextFeatureConfig = { charMin: 3, charMax: 5, wordWeight: 1, charWeight: 1, minDf: 2, lettersOnlyWeight: 0.5 };

const WORD = 0;
const CHAR = 1;
const TAG_UNIGRAM = 1;
const TAG_BIGRAM = 2;
const TAG_CHAR = 3;
const BOUNDARY = hashString('\u0002');

/** Reusable buffers for the hashes of one text: a feature's hash and its block (word or char). */
export interface HashBuffer {
  hashes: number[];
  blocks: number[];
}

/** Emits the hashes of every feature of `text` into `out` (cleared first). */
export function hashFeatures(text: string, config: TextFeatureConfig, out: HashBuffer): void {
  out.hashes.length = 0;
  out.blocks.length = 0;
  let previous = BOUNDARY;
  for (const token of tokenize(text)) {
    const code = token.norm.charCodeAt(0);
    if (token.norm.length === 1 && !isWordChar(code)) continue; // punctuation carries no intent
    const word = token.norm.replace(/\d/g, '0');
    const h = hashString(word);
    push(out, hashCombine(h, TAG_UNIGRAM), WORD);
    push(out, hashCombine(hashCombine(previous, h), TAG_BIGRAM), WORD);
    previous = h;
    emitCharGrams(word, config, out);
  }
  if (previous !== BOUNDARY) push(out, hashCombine(hashCombine(previous, BOUNDARY), TAG_BIGRAM), WORD);
}

// In-word n-grams of "<word>", hashed as they are extended, so no substring is ever built.
function emitCharGrams(word: string, config: TextFeatureConfig, out: HashBuffer): void {
  const length = word.length + 2;
  const codeAt = (i: number) => (i === 0 ? 0x3c : i === length - 1 ? 0x3e : word.charCodeAt(i - 1));
  for (let start = 0; start < length; start++) {
    let h = HASH_SEED;
    const stop = Math.min(length, start + config.charMax);
    for (let j = start; j < stop; j++) {
      h = hashStep(h, codeAt(j));
      if (j - start + 1 >= config.charMin) push(out, hashCombine(h, TAG_CHAR), CHAR);
    }
  }
}

function push(out: HashBuffer, hash: number, block: number): void {
  out.hashes.push(hash);
  out.blocks.push(block);
}

function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 122) || code > 127;
}

/** The fitted featuriser: hashed feature -> column, with each column's idf and block. */
export interface TextVectorizer {
  config: TextFeatureConfig;
  /** Feature hash of each column. */
  hashes: Int32Array;
  idf: Float32Array;
  blocks: Uint8Array;
}

/** Learns the vocabulary and idf from training texts. Columns are ordered by first appearance. */
export function fitVectorizer(texts: readonly string[], config: TextFeatureConfig): TextVectorizer {
  const df = new Map<number, number>();
  const blockOf = new Map<number, number>();
  const buffer: HashBuffer = { hashes: [], blocks: [] };
  const seen = new Set<number>();
  for (const text of texts) {
    hashFeatures(text, config, buffer);
    seen.clear();
    buffer.hashes.forEach((h, i) => {
      if (seen.has(h)) return;
      seen.add(h);
      df.set(h, (df.get(h) ?? 0) + 1);
      if (!blockOf.has(h)) blockOf.set(h, buffer.blocks[i] as number);
    });
  }
  const kept = [...df].filter(([, n]) => n >= config.minDf);
  const hashes = new Int32Array(kept.length);
  const idf = new Float32Array(kept.length);
  const blocks = new Uint8Array(kept.length);
  kept.forEach(([h, n], i) => {
    hashes[i] = h;
    idf[i] = Math.log((1 + texts.length) / (1 + n)) + 1;
    blocks[i] = blockOf.get(h) as number;
  });
  return { config, hashes, idf, blocks };
}

/** Turns texts into vectors with one fitted vectorizer; cheap per call after the first. */
export function createVectorize(vectorizer: TextVectorizer): (text: string) => SparseVector {
  const column = new Map<number, number>();
  vectorizer.hashes.forEach((h, i) => {
    column.set(h, i);
  });
  const buffer: HashBuffer = { hashes: [], blocks: [] };
  const counts = new Map<number, number>();
  const { wordWeight, charWeight, lettersOnlyWeight = 1 } = vectorizer.config;
  return function vectorize(text) {
    hashFeatures(text, vectorizer.config, buffer);
    counts.clear();
    for (const h of buffer.hashes) {
      const c = column.get(h);
      if (c !== undefined) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const indices = Int32Array.from(counts.keys()).sort();
    const values = new Float32Array(indices.length);
    const norms = [0, 0];
    indices.forEach((c, i) => {
      const v = (1 + Math.log(counts.get(c) as number)) * (vectorizer.idf[c] as number);
      values[i] = v;
      const b = vectorizer.blocks[c] as number;
      norms[b] = (norms[b] as number) + v * v;
    });
    const knowsWords = (norms[WORD] as number) > 0;
    const scale = [
      wordWeight / (Math.sqrt(norms[WORD] as number) || 1),
      (charWeight * (knowsWords ? 1 : lettersOnlyWeight)) / (Math.sqrt(norms[CHAR] as number) || 1),
    ];
    indices.forEach((c, i) => {
      values[i] = (values[i] as number) * (scale[vectorizer.blocks[c] as number] as number);
    });
    return { indices, values };
  };
}
