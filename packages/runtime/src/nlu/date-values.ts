// Dates and times in text, resolved by chrono-node relative to a reference instant.
import { createRequire } from 'node:module';

type Chrono = typeof import('chrono-node');
let chrono: Chrono | undefined;

// Loaded on first use: chrono-node is ~15 MB of memory that a bot without date entities never needs (the nlp
// service's warm-up loads it at start for a bot that has them).
function dateParser(): Chrono {
  chrono ??= createRequire(import.meta.url)('chrono-node') as Chrono;
  return chrono;
}

export interface DateMatch {
  text: string;
  start: number;
  end: number;
  date: Date;
}

/** Every date or time expression in `text`; "friday" means the coming one. */
export function findDates(text: string, reference: Date): DateMatch[] {
  return dateParser()
    .parse(text, reference, { forwardDate: true })
    .map((r) => ({ text: r.text, start: r.index, end: r.index + r.text.length, date: r.start.date() }));
}

/** `date` -> "YYYY-MM-DD" in local time (the day the user meant); `datetime` -> an ISO instant. */
export function formatDate(date: Date, kind: 'date' | 'datetime'): string {
  if (kind === 'datetime') return date.toISOString();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
