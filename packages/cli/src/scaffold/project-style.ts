// Reads how a project writes its intents and actions, so that generated files look like the rest.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The habits of a project's source files. Defaults are the templates' own style. */
export interface ProjectStyle {
  quote: "'" | '"';
  semicolons: boolean;
  indent: string;
  /** How file names spell an intent name: `cancel-order.ts` or `cancel_order.ts`. */
  fileCase: 'kebab' | 'snake';
  /** How actions import intents: `'../intents/greet.ts'`, `.js` or no extension. */
  importExtension: '.ts' | '.js' | '';
  /** The extension of intent and action files: `.ts` unless the project is JavaScript. */
  sourceExtension: string;
  /** `export default defineIntent(...)` or `export const greet = defineIntent(...)`. */
  exports: 'default' | 'named';
  /** Fixture files, relative to the project root. */
  fixtureFiles: string[];
}

const SOURCE = /\.[cm]?[jt]s$/;

export function detectProjectStyle(root: string): ProjectStyle {
  const intents = readSources(root, 'intents');
  const actions = readSources(root, 'actions');
  const code = [...intents, ...actions].map((f) => f.text).join('\n');
  const imports = code.match(/^import .*$/gm) ?? [];
  const single = imports.filter((line) => /from '/.test(line)).length;
  const double = imports.filter((line) => /from "/.test(line)).length;
  const withSemi = imports.filter((line) => line.trimEnd().endsWith(';')).length;
  const indent = /^([ \t]+)\S/m.exec(intents.map((f) => f.text).join('\n'))?.[1];
  const kebab = intents.filter((f) => f.name.includes('-')).length;
  const snake = intents.filter((f) => f.name.includes('_')).length;
  const ext = /from ['"]\.\.\/intents\/[^'"]*?(\.ts|\.js)?['"]/.exec(actions.map((f) => f.text).join('\n'));
  const defaults = intents.filter((f) => /export default defineIntent/.test(f.text)).length;
  const named = intents.filter((f) => /export const \w+ = defineIntent/.test(f.text)).length;
  return {
    quote: double > single ? '"' : "'",
    semicolons: imports.length === 0 || withSemi >= imports.length / 2,
    indent: indent ?? '  ',
    fileCase: snake > kebab ? 'snake' : 'kebab',
    importExtension: ext ? ((ext[1] as '.ts' | '.js' | undefined) ?? '') : '.ts',
    sourceExtension: intents.filter((f) => f.ext === '.js').length > intents.length / 2 ? '.js' : '.ts',
    exports: named > defaults ? 'named' : 'default',
    fixtureFiles: listFiles(root, 'fixtures').filter((f) => /\.(?:ya?ml|jsonl)$/.test(f)),
  };
}

/** The file name (without extension) for an intent in this style. */
export function intentFileName(name: string, style: ProjectStyle): string {
  return style.fileCase === 'kebab' ? name.replaceAll('_', '-') : name.replaceAll('-', '_');
}

function readSources(root: string, dir: string): { name: string; ext: string; text: string }[] {
  return listFiles(root, dir)
    .filter((f) => SOURCE.test(f) && !f.endsWith('.d.ts'))
    .map((f) => ({ name: path.basename(f).replace(SOURCE, ''), ext: path.extname(f), text: readFileSync(path.join(root, f), 'utf8') }));
}

function listFiles(root: string, dir: string): string[] {
  const base = path.join(root, dir);
  if (!existsSync(base)) return [];
  return readdirSync(base, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}
