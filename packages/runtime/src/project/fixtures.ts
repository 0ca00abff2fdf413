// Test fixtures from fixtures/*.yaml|*.yml|*.jsonl: {text, intent, entities?, reply?}.
import path from 'node:path';
import { z } from 'zod';
import type { Problems } from './problems.ts';
import { readRecords } from './records.ts';
import { issueText } from './training-data.ts';
import type { Fixture } from './types.ts';

export const FixtureRecordSchema = z.strictObject({
  text: z.string().min(1),
  intent: z.string().min(1),
  entities: z.record(z.string(), z.unknown()).optional(),
  reply: z.string().optional(),
  /** Dates in `text` are resolved relative to this instant, so expected dates stay fixed. */
  referenceTime: z.iso.datetime({ offset: true }).optional(),
});

export async function readFixtures(root: string, files: readonly string[], problems: Problems): Promise<Fixture[]> {
  const fixtures: Fixture[] = [];
  for (const file of files) {
    const rel = path.relative(root, file);
    const read = await readRecords(file, ['fixtures', 'tests']);
    if (!read.ok) {
      problems.error('FIXTURE_INVALID', read.message, { file: rel, line: read.line, column: read.column });
      continue;
    }
    for (const record of read.records) {
      const parsed = FixtureRecordSchema.safeParse(record.value);
      const source = { file: rel, line: record.line };
      if (!parsed.success) problems.error('FIXTURE_INVALID', `expected {text, intent, entities?, reply?}: ${issueText(parsed.error)}`, source);
      else fixtures.push({ ...parsed.data, source });
    }
  }
  return fixtures;
}
