// Training examples from data/*.yaml|*.yml|*.jsonl, in inputbot's format or Rasa's `nlu:` format.
import path from 'node:path';
import { z } from 'zod';
import { IntentNameSchema } from '../define/intent.ts';
import type { Problems } from './problems.ts';
import { readRecords } from './records.ts';
import type { SourceLocation } from './types.ts';

/** An example still in annotated form, with where it was written. */
export interface RawExample {
  intent: string;
  annotated: string;
  source: SourceLocation;
}

const YamlRecordSchema = z.object({
  intent: IntentNameSchema,
  // A list, or Rasa's block string of "- example" lines.
  examples: z.union([z.array(z.string()), z.string()]),
});
const JsonlRecordSchema = z.object({ intent: IntentNameSchema, text: z.string().min(1) });

export async function readTrainingData(root: string, files: readonly string[], problems: Problems): Promise<RawExample[]> {
  const examples: RawExample[] = [];
  for (const file of files) {
    const rel = path.relative(root, file);
    const read = await readRecords(file, ['nlu', 'examples', 'data']);
    if (!read.ok) {
      problems.error('DATA_INVALID', read.message, { file: rel, line: read.line, column: read.column });
      continue;
    }
    const jsonl = file.endsWith('.jsonl');
    for (const record of read.records) {
      const at = { file: rel, line: record.line };
      if (jsonl) {
        const parsed = JsonlRecordSchema.safeParse(record.value);
        if (!parsed.success) problems.error('DATA_INVALID', `expected {"intent": "...", "text": "..."}: ${issueText(parsed.error)}`, at);
        else examples.push({ intent: parsed.data.intent, annotated: parsed.data.text, source: at });
        continue;
      }
      const parsed = YamlRecordSchema.safeParse(record.value);
      if (!parsed.success) {
        problems.error('DATA_INVALID', `expected "- intent: name" with "examples: [...]": ${issueText(parsed.error)}`, at);
        continue;
      }
      const list = typeof parsed.data.examples === 'string' ? splitBlockExamples(parsed.data.examples) : parsed.data.examples;
      list.forEach((annotated, index) => {
        if (annotated.trim() === '') return;
        examples.push({ intent: parsed.data.intent, annotated, source: { file: rel, line: record.lineOf?.('examples', index) ?? record.line } });
      });
    }
  }
  return examples;
}

function splitBlockExamples(block: string): string[] {
  return block.split('\n').map((line) => line.replace(/^\s*-\s?/, '').trim());
}

export function issueText(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}
