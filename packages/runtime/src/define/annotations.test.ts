import { describe, expect, it } from 'vitest';
import { formatAnnotatedExample, parseAnnotatedExample } from './annotations.ts';

describe('inline annotations', () => {
  it('turns annotations into spans over the plain text', () => {
    const parsed = parseAnnotatedExample('move [Apollo](project) to [in progress](status:in_progress) by [next friday](due)');
    expect(parsed).toEqual({
      text: 'move Apollo to in progress by next friday',
      entities: [
        { entity: 'project', text: 'Apollo', value: 'Apollo', start: 5, end: 11 },
        { entity: 'status', text: 'in progress', value: 'in_progress', start: 15, end: 26 },
        { entity: 'due', text: 'next friday', value: 'next friday', start: 30, end: 41 },
      ],
    });
  });

  it('keeps brackets that are not annotations as text', () => {
    expect(parseAnnotatedExample('see [1] and [2]')).toEqual({ text: 'see [1] and [2]', entities: [] });
  });

  it('reports malformed annotations with a column', () => {
    expect(parseAnnotatedExample('move [Apollo](project to done')).toMatchObject({ code: 'ANNOTATION_SYNTAX', column: 13 });
    expect(parseAnnotatedExample('move [](project)')).toMatchObject({ code: 'ANNOTATION_SYNTAX', message: expect.stringContaining('empty') });
    expect(parseAnnotatedExample('move [x](two words)')).toMatchObject({
      code: 'ANNOTATION_SYNTAX',
      message: expect.stringContaining('not a valid entity name'),
    });
  });

  it('formats spans back to the same annotated text', () => {
    const source = 'book [2](party_size) seats at [Luigi’s](restaurant) for [tonight](time:today)';
    const parsed = parseAnnotatedExample(source);
    if ('code' in parsed) throw new Error(parsed.message);
    expect(formatAnnotatedExample(parsed)).toBe(source);
  });
});
