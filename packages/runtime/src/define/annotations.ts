// Inline entity annotations in training examples, as Rasa users write them:
// `move [Apollo](project) to [in progress](status)` or, with a normalised value, `[finished](status:done)`.

/** One annotated span in the plain text of an example. `end` is exclusive. */
export interface EntitySpan {
  entity: string;
  /** The surface text as written, `text.slice(start, end)`. */
  text: string;
  /** The value the annotation maps the span to: the `:value` part, else the surface text. */
  value: string;
  start: number;
  end: number;
}

/** An example with its annotations removed and recorded as spans. */
export interface ParsedExample {
  text: string;
  entities: EntitySpan[];
}

/** Why an annotated example could not be parsed. `column` is 0-based in the annotated source. */
export interface AnnotationError {
  code: 'ANNOTATION_SYNTAX';
  message: string;
  column: number;
}

const ENTITY_NAME = /^[A-Za-z_][\w.-]*$/;

/**
 * Parses `[surface](entity)` and `[surface](entity:value)` annotations. Brackets that are not followed
 * by `(` are kept as literal text, so prose like "see [1]" stays valid.
 */
export function parseAnnotatedExample(source: string): ParsedExample | AnnotationError {
  const entities: EntitySpan[] = [];
  let text = '';
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf('[', i);
    if (open === -1) {
      text += source.slice(i);
      break;
    }
    const close = source.indexOf(']', open + 1);
    if (close === -1 || source[close + 1] !== '(') {
      text += source.slice(i, open + 1);
      i = open + 1;
      continue;
    }
    const paren = source.indexOf(')', close + 2);
    if (paren === -1) {
      return syntaxError(`unclosed "(" after "[${source.slice(open + 1, close)}]"`, close + 1);
    }
    const surface = source.slice(open + 1, close);
    const label = source.slice(close + 2, paren);
    const colon = label.indexOf(':');
    const entity = (colon === -1 ? label : label.slice(0, colon)).trim();
    const value = colon === -1 ? surface : label.slice(colon + 1).trim();
    if (surface.trim() === '') return syntaxError(`empty annotation "[](${label})"`, open);
    if (!ENTITY_NAME.test(entity)) {
      return syntaxError(`"${entity}" is not a valid entity name in "[${surface}](${label})"`, close + 2);
    }
    text += source.slice(i, open);
    const start = text.length;
    text += surface;
    entities.push({ entity, text: surface, value, start, end: text.length });
    i = paren + 1;
  }
  return { text, entities };
}

/** Writes spans back as inline annotations: the inverse of {@link parseAnnotatedExample}. */
export function formatAnnotatedExample(example: ParsedExample): string {
  let out = '';
  let at = 0;
  for (const span of [...example.entities].sort((a, b) => a.start - b.start)) {
    const surface = example.text.slice(span.start, span.end);
    const label = span.value === surface ? span.entity : `${span.entity}:${span.value}`;
    out += `${example.text.slice(at, span.start)}[${surface}](${label})`;
    at = span.end;
  }
  return out + example.text.slice(at);
}

export function isAnnotationError(value: ParsedExample | AnnotationError): value is AnnotationError {
  return 'code' in value;
}

function syntaxError(message: string, column: number): AnnotationError {
  return { code: 'ANNOTATION_SYNTAX', message, column };
}
