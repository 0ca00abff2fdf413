// How bot dev prints a service's log line, read without its colours.
import { stripVTControlCharacters } from 'node:util';
import { expect, it } from 'vitest';
import { formatServiceLine as formatWithColours } from '../src/dev/log-lines.ts';

const formatServiceLine = (service: string, line: string) => stripVTControlCharacters(formatWithColours(service, line));

const json = (record: Record<string, unknown>) => JSON.stringify({ time: 1, pid: 7, hostname: 'h', service: 'x', ...record });

it('prefixes each line with its service, marks warnings and errors, and keeps fields the message does not already say', () => {
  expect(formatServiceLine('gateway', json({ level: 30, msg: 'gateway ready on http://127.0.0.1:3000', port: 3000 }))).toBe(
    'gateway  │ gateway ready on http://127.0.0.1:3000',
  );
  expect(formatServiceLine('executor', json({ level: 30, msg: 'executor reloaded in 42 ms', ms: 42 }))).toBe('executor │ executor reloaded in 42 ms');
  expect(formatServiceLine('executor', json({ level: 40, msg: 'does not compile', code: 'MODULE_SYNTAX', at: 'actions/a.ts:3:1' }))).toBe(
    'executor │ warn does not compile code=MODULE_SYNTAX at=actions/a.ts:3:1',
  );
  expect(formatServiceLine('nlp', json({ level: 50, msg: 'could not record spans', err: { message: 'disk full' }, spans: 3 }))).toBe(
    'nlp      │ error could not record spans disk full spans=3',
  );
  expect(formatServiceLine('executor', json({ level: 30, msg: 'retrying in 1200 ms', attempts: 2 }))).toBe('executor │ retrying in 1200 ms attempts=2');
  expect(formatServiceLine('receiver', 'not JSON at all')).toBe('receiver │ not JSON at all');
});
