// The features the sequence labeller sees at each token: the word, its neighbours, affixes, shape.
import { hashString } from './hash.ts';
import type { Token } from './tokenize.ts';

const BOS = '<s>';
const EOS = '</s>';

/** Hashed features of every token of a sequence, conditioned on the intent being filled. */
export function tokenFeatureHashes(tokens: readonly Token[], intent: string): number[][] {
  const words = tokens.map((t) => t.norm);
  const at = (i: number) => (i < 0 ? BOS : i >= words.length ? EOS : (words[i] as string));
  return tokens.map((token, i) => {
    const w = at(i);
    const features = [
      'b',
      `w=${w}`,
      `w-1=${at(i - 1)}`,
      `w+1=${at(i + 1)}`,
      `w-2=${at(i - 2)}`,
      `w+2=${at(i + 2)}`,
      `w-1w=${at(i - 1)}|${w}`,
      `ww+1=${w}|${at(i + 1)}`,
      `w-2w-1=${at(i - 2)}|${at(i - 1)}`,
      `w+1w+2=${at(i + 1)}|${at(i + 2)}`,
      `p2=${w.slice(0, 2)}`,
      `p3=${w.slice(0, 3)}`,
      `s2=${w.slice(-2)}`,
      `s3=${w.slice(-3)}`,
      `s4=${w.slice(-4)}`,
      `sh=${shapeOf(token.text)}`,
      `i=${intent}`,
      `iw-1=${intent}|${at(i - 1)}`,
      `iw+1=${intent}|${at(i + 1)}`,
    ];
    if (i > 0) features.push(`sh-1=${shapeOf((tokens[i - 1] as Token).text)}`);
    if (i < tokens.length - 1) features.push(`sh+1=${shapeOf((tokens[i + 1] as Token).text)}`);
    return features.map((f) => hashString(f));
  });
}

/** "Apollo" -> "Xx", "R2-D2" -> "Xd-Xd", "2024" -> "d": character classes with repeats collapsed. */
function shapeOf(text: string): string {
  let shape = '';
  let last = '';
  for (const ch of text) {
    const cls = /\p{Lu}/u.test(ch) ? 'X' : /\p{L}/u.test(ch) ? 'x' : /\p{N}/u.test(ch) ? 'd' : ch;
    if (cls !== last) shape += cls;
    last = cls;
  }
  return shape;
}
