// Adds a test case to a project's fixtures in the format and layout it already uses.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface NewFixture {
  text: string;
  intent: string;
  reply?: string;
}

export interface AppendedFixture {
  /** The file written, relative to the project root. */
  file: string;
  /** Puts the file back as it was (or removes it if it was new). */
  undo: () => Promise<void>;
}

/**
 * Appends to the first fixture file (YAML or JSONL, as the project has), or, when the project keeps
 * one fixture file per intent, writes a new one named `perIntentName`.
 */
export async function appendFixture(
  root: string,
  files: string[],
  fixture: NewFixture,
  perIntentName: string,
  intentFiles: string[],
): Promise<AppendedFixture> {
  const first = files[0];
  const perIntent = files.length > 1 && files.every((f) => intentFiles.includes(path.basename(f).replace(/\.(?:ya?ml|jsonl)$/, '')));
  const file = !first ? path.join('fixtures', 'fixtures.yaml') : perIntent ? path.join('fixtures', `${perIntentName}${path.extname(first)}`) : first;
  const abs = path.join(root, file);
  const before = existsSync(abs) ? await readFile(abs, 'utf8') : undefined;
  const text = file.endsWith('.jsonl') ? appendJsonl(before ?? '', fixture) : appendYaml(before ?? '', fixture);
  await mkdir(path.dirname(abs), { recursive: true });
  await writeFile(abs, text);
  return { file, undo: () => (before === undefined ? rm(abs, { force: true }) : writeFile(abs, before)) };
}

function appendJsonl(source: string, fixture: NewFixture): string {
  return `${withNewline(source)}${JSON.stringify(fixture)}\n`;
}

// Textual, not parse-and-dump, so the file's comments and layout survive.
function appendYaml(source: string, fixture: NewFixture): string {
  const items = [...source.matchAll(/^([ \t]*)- /gm)].map((m) => m[1] as string);
  const indent = items.reduce((shortest, i) => (i.length < shortest.length ? i : shortest), items[0] ?? '');
  const quoted = /^[ \t]*-?[ \t]*text:[ \t]*["']/m.test(source);
  const value = (s: string) => (quoted || needsQuotes(s) ? JSON.stringify(s) : s);
  const lines = Object.entries(fixture).map(([key, v], n) => `${indent}${n === 0 ? '- ' : '  '}${key}: ${value(String(v))}`);
  // An empty flow list ("fixtures: []" or "[]") becomes a block list.
  const base = withNewline(source.replace(/^(\w+:)?[ \t]*\[\][ \t]*$/m, (_, key?: string) => key ?? ''));
  return `${base}${lines.join('\n')}\n`;
}

function needsQuotes(s: string): boolean {
  return /^[\s\-?:,[\]{}#&*!|>'"%@`]|[:#]\s|:$|\s$/.test(s) || /^(?:true|false|yes|no|null|~|[\d.+-]+)$/i.test(s);
}

function withNewline(source: string): string {
  return source === '' || source.endsWith('\n') ? source : `${source}\n`;
}
