// Reads record files (YAML lists and JSONL) with the line each record starts on.
import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';

/** One record of a file with the 1-based line it starts on. `node` lets callers locate nested values. */
export interface LocatedRecord {
  value: unknown;
  line: number;
  /** For YAML: the line of a nested list item, by key and index (e.g. `examples[3]`). */
  lineOf?: (key: string, index: number) => number | undefined;
}

export type ReadRecordsResult = { ok: true; records: LocatedRecord[] } | { ok: false; message: string; line?: number; column?: number };

/**
 * Reads `file` as JSONL (one JSON value a line; blank lines and `//` comments skipped) or as YAML
 * (a list, or a map whose `listKey` holds the list).
 */
export async function readRecords(file: string, listKeys: readonly string[]): Promise<ReadRecordsResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      message: code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : `cannot read it: ${(error as Error).message}`,
    };
  }
  return file.endsWith('.jsonl') ? parseJsonl(text) : parseYamlList(text, listKeys);
}

function parseJsonl(text: string): ReadRecordsResult {
  const records: LocatedRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '' || line.startsWith('//')) continue;
    try {
      records.push({ value: JSON.parse(line), line: i + 1 });
    } catch (error) {
      return { ok: false, message: `invalid JSON: ${(error as Error).message}`, line: i + 1 };
    }
  }
  return { ok: true, records };
}

function parseYamlList(text: string, listKeys: readonly string[]): ReadRecordsResult {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    return { ok: false, message: `invalid YAML: ${first.message.split('\n')[0]}`, line: pos?.line, column: pos?.col };
  }
  const lineAt = (node: Node | null | undefined) => (node?.range ? counter.linePos(node.range[0]).line : 1);
  let list: Node | null = doc.contents;
  if (list === null) return { ok: true, records: [] };
  if (isMap(list)) {
    const key = listKeys.find((k) => doc.has(k));
    if (!key) return { ok: false, message: `expected a list${listKeys.length ? ` or a map with "${listKeys.join('" or "')}"` : ''}`, line: lineAt(list) };
    list = doc.get(key, true) as Node;
  }
  if (!isSeq(list)) return { ok: false, message: 'expected a list of records', line: lineAt(list) };
  const records = list.items.map((item) => {
    const node = item as Node;
    const record: LocatedRecord = { value: (node as { toJSON?: () => unknown }).toJSON?.() ?? (isScalar(node) ? node.value : node), line: lineAt(node) };
    if (isMap(node)) {
      record.lineOf = (key, index) => {
        const nested = node.get(key, true);
        if (isSeq(nested)) return nested.items[index] ? lineAt(nested.items[index] as Node) : undefined;
        // A block string ("examples: |" as Rasa writes it): one example per line after the key.
        if (isScalar(nested)) return lineAt(nested) + index + (String(nested.type).startsWith('BLOCK') ? 1 : 0);
        return undefined;
      };
    }
    return record;
  });
  return { ok: true, records };
}
