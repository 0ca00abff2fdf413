// Turns labelled spans and rule matches into entities of an intent, each value coerced to its spec's kind.
import type { EntitySpec } from '../define/entity-spec.ts';
import { findDates, formatDate } from './date-values.ts';
import { type EnumLexicon, isNumberWord, matchEnum, normalizePhrase, parseBoolean, parseNumber } from './entity-values.ts';
import type { Token } from './tokenize.ts';
import type { ExtractedEntity } from './types.ts';

/** A span the sequence labeller tagged. */
export interface LabelledSpan {
  entity: string;
  start: number;
  end: number;
  confidence: number;
}

export interface ExtractionInput {
  text: string;
  tokens: readonly Token[];
  specs: readonly EntitySpec[];
  spans: readonly LabelledSpan[];
  /** Per enum entity: its values, declared synonyms and the surfaces annotated for each value. */
  lexicons: ReadonlyMap<string, EnumLexicon>;
  reference: Date;
}

/**
 * Labelled spans first, coerced by kind; then rules fill entities the labeller did not find: enum
 * phrases, dates, numbers and yes/no. A value that cannot be coerced is kept as text, so the schema
 * check downstream rejects it with a reason instead of it silently disappearing.
 */
export function extractEntities(input: ExtractionInput): ExtractedEntity[] {
  const specs = new Map(input.specs.map((s) => [s.name, s]));
  const found: ExtractedEntity[] = [];
  const taken = (start: number, end: number) => found.some((e) => e.start < end && start < e.end);
  for (const span of input.spans) {
    const spec = specs.get(span.entity);
    if (!spec) continue;
    const text = input.text.slice(span.start, span.end);
    found.push({
      entity: spec.name,
      value: coerce(text, spec, input),
      text,
      start: span.start,
      end: span.end,
      confidence: span.confidence,
      extractor: 'model',
    });
  }
  const missing = input.specs.filter((s) => !found.some((e) => e.entity === s.name));
  for (const spec of missing) {
    const match = findByRule(spec, input, taken);
    if (match) found.push(match);
  }
  return found.sort((a, b) => a.start - b.start);
}

function coerce(text: string, spec: EntitySpec, input: ExtractionInput): unknown {
  switch (spec.kind) {
    case 'enum': {
      const lexicon = input.lexicons.get(spec.name);
      return (lexicon && matchEnum(text, lexicon)) ?? text;
    }
    case 'number':
      return parseNumber(text) ?? text;
    case 'boolean':
      return parseBoolean(text) ?? text;
    case 'date':
    case 'datetime': {
      const date = findDates(text, input.reference)[0];
      return date ? formatDate(date.date, spec.kind) : text;
    }
    default:
      return text;
  }
}

type Taken = (start: number, end: number) => boolean;

function findByRule(spec: EntitySpec, input: ExtractionInput, taken: Taken): ExtractedEntity | undefined {
  const at = (start: number, end: number, value: unknown, extractor: ExtractedEntity['extractor'], confidence: number): ExtractedEntity => ({
    entity: spec.name,
    value,
    text: input.text.slice(start, end),
    start,
    end,
    confidence,
    extractor,
  });
  switch (spec.kind) {
    case 'enum': {
      const lexicon = input.lexicons.get(spec.name);
      if (!lexicon) return undefined;
      const m = findPhrase(input.tokens, (phrase) => matchEnum(phrase, lexicon), taken, input.text);
      // A typo match is less sure than an exact one.
      return m && at(m.start, m.end, m.value, 'enum', lexicon.has(normalizePhrase(m.phrase)) ? 0.9 : 0.7);
    }
    case 'date':
    case 'datetime': {
      const date = findDates(input.text, input.reference).find((d) => !taken(d.start, d.end));
      return date && at(date.start, date.end, formatDate(date.date, spec.kind), 'date', 0.9);
    }
    case 'number': {
      const m = findNumber(input.tokens, taken);
      return m && at(m.start, m.end, m.value, 'number', 0.8);
    }
    case 'boolean': {
      const m = findPhrase(input.tokens, parseBoolean, taken, input.text, 1);
      return m && at(m.start, m.end, m.value, 'boolean', 0.6);
    }
    default:
      return undefined;
  }
}

// Longest phrases first, so "in progress" wins over "progress".
const MAX_PHRASE_TOKENS = 4;

function findPhrase<T>(tokens: readonly Token[], match: (phrase: string) => T | undefined, taken: Taken, text: string, maxTokens = MAX_PHRASE_TOKENS) {
  for (let length = Math.min(maxTokens, tokens.length); length >= 1; length--) {
    for (let i = 0; i + length <= tokens.length; i++) {
      const start = (tokens[i] as Token).start;
      const end = (tokens[i + length - 1] as Token).end;
      if (taken(start, end)) continue;
      const phrase = text.slice(start, end);
      const value = match(phrase);
      if (value !== undefined) return { start, end, value, phrase };
    }
  }
  return undefined;
}

function findNumber(tokens: readonly Token[], taken: Taken) {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (taken(token.start, token.end)) continue;
    if (/^\p{N}/u.test(token.norm)) {
      const value = parseNumber(token.text);
      if (value !== undefined) return { start: token.start, end: token.end, value };
    }
    if (isNumberWord(token.norm)) {
      let j = i;
      while (
        j + 1 < tokens.length &&
        (isNumberWord((tokens[j + 1] as Token).norm) ||
          ((tokens[j + 1] as Token).norm === 'and' && j + 2 < tokens.length && isNumberWord((tokens[j + 2] as Token).norm)))
      )
        j++;
      const end = (tokens[j] as Token).end;
      const value = parseNumber(
        tokens
          .slice(i, j + 1)
          .map((t) => t.text)
          .join(' '),
      );
      if (value !== undefined && !taken(token.start, end)) return { start: token.start, end, value };
    }
  }
  return undefined;
}
