import { describe, expect, it } from 'vitest';
import { createEnumLexicon, editDistance, matchEnum, parseBoolean, parseNumber } from './entity-values.ts';

describe('matchEnum', () => {
  const lexicon = createEnumLexicon(['todo', 'in_progress', 'done'], { done: ['finished', 'complete'] });

  it('matches values, their spelling with spaces, and synonyms', () => {
    expect(matchEnum('Done', lexicon)).toBe('done');
    expect(matchEnum('in progress', lexicon)).toBe('in_progress');
    expect(matchEnum('Finished', lexicon)).toBe('done');
  });

  it('forgives one typo in longer words only', () => {
    expect(matchEnum('finsihed', lexicon)).toBe('done');
    expect(matchEnum('in progres', lexicon)).toBe('in_progress');
    expect(matchEnum('dine', lexicon)).toBeUndefined();
    expect(matchEnum('unrelated', lexicon)).toBeUndefined();
  });
});

describe('editDistance', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('form', 'from')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('parseNumber', () => {
  it('reads digits and number words', () => {
    expect(parseNumber('42')).toBe(42);
    expect(parseNumber('1,250.5')).toBe(1250.5);
    expect(parseNumber('twenty-five')).toBe(25);
    expect(parseNumber('two hundred and ten')).toBe(210);
    expect(parseNumber('three thousand four hundred')).toBe(3400);
    expect(parseNumber('a dozen')).toBe(12);
    expect(parseNumber('apollo')).toBeUndefined();
  });
});

describe('parseBoolean', () => {
  it('reads yes and no', () => {
    expect(parseBoolean('Yes')).toBe(true);
    expect(parseBoolean('nope')).toBe(false);
    expect(parseBoolean('maybe')).toBeUndefined();
  });
});
