// Compiles a project's TypeScript files with esbuild into a fresh folder per load (see buildBase) and imports
// them natively, turning failures into problems. Replaces tsx's loader hooks, whose worker thread cost every
// process a second V8 heap and compiled each file on import.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Loader, type Message, type Metafile, type Plugin, stop } from 'esbuild';
import type { ProblemCode } from './problems.ts';
import { sourceFrames } from './stack-frames.ts';
import type { SourceLocation } from './types.ts';

export type ImportResult =
  | { ok: true; exports: Record<string, unknown> }
  | { ok: false; code: Extract<ProblemCode, 'MODULE_SYNTAX' | 'MODULE_THROWS'>; message: string; at: SourceLocation };

type ImportFailure = ImportResult & { ok: false };

/** One load's modules: each load imports its own build, so a reload sees changed files (hot reload needs that). */
export interface ModuleLoader {
  /**
   * Compiles `files` and what they import in one build, so that files importing the same helper share one
   * instance of it. Call it with every file of the load before importing them; a file not prepared is built
   * alone when imported.
   */
  prepare(files: string[]): Promise<void>;
  import(file: string): Promise<ImportResult>;
  /** Removes the build's files: once imported, modules no longer need them. */
  close(): Promise<void>;
}

/** Builds kept by this process for lazily imported chunks (see close); older ones are removed. */
const KEPT_BUILDS = 3;
const LOADERS: Record<string, Loader> = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.jsx': 'jsx' };

/** Build folders of loaders open in this process, which the sweep must leave alone. */
const openBuilds = new Set<string>();
/** esbuild keeps a child process alive between builds; it is stopped once no build of this process runs. */
let runningBuilds = 0;
let sourceMapsBefore: boolean | undefined;

export function createModuleLoader(root: string): ModuleLoader {
  const base = buildBase(root);
  const dir = path.join(base, `${process.pid}-${randomUUID().slice(0, 8)}`);
  const built = new Map<string, Promise<BuiltEntry | undefined>>();
  const imports = new Map<string, Promise<ImportResult>>();
  let builds = 0;
  let keep = false;
  openBuilds.add(dir);
  // Frames of a throw at import time map back to TypeScript lines; restored when the last loader closes, as tsx
  // did, so that modules loaded later (whose maps Node would parse on load) cost nothing.
  if (openBuilds.size === 1) sourceMapsBefore = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(true);

  async function prepare(files: string[]): Promise<void> {
    const fresh = [...new Set(files.map((f) => path.resolve(root, f)))].filter((f) => !built.has(f));
    if (!fresh.length) return;
    const build = buildAll(root, fresh, path.join(dir, String(builds++)));
    for (const file of fresh) {
      const entry = build.then((byFile) => byFile.get(file));
      entry.catch(() => {}); // the failure reaches the caller through prepare; not an unhandled rejection as well
      built.set(file, entry);
    }
    const byFile = await build;
    if ([...byFile.values()].some((entry) => entry.lazy)) keep = true;
  }

  return {
    prepare,
    async import(file) {
      const abs = path.resolve(root, file);
      if (!built.has(abs)) await prepare([abs]);
      // Imported when asked, in the caller's order, as the files were before they were bundled.
      let result = imports.get(abs);
      if (!result) {
        result = (built.get(abs) as Promise<BuiltEntry | undefined>).then((entry) => importBuilt(root, abs, entry));
        imports.set(abs, result);
      }
      return result;
    },
    async close() {
      await Promise.allSettled([...built.values(), ...imports.values()]);
      openBuilds.delete(dir);
      if (openBuilds.size === 0 && sourceMapsBefore !== undefined) process.setSourceMapsEnabled(sourceMapsBefore);
      if (!keep) await rm(dir, { recursive: true, force: true });
      // The (empty) parent stays: another process may be creating its own build in it right now.
      await sweep(base);
    },
  };
}

/**
 * Where a load's builds go: `.bot/build` of a project that has run. Otherwise `node_modules/.cache/inputbot/build`,
 * so that loading a project (`bot check`, `bot test --e2e` on a temporary state folder) creates no `.bot`; removing
 * one afterwards would race with a service creating its state there. Both resolve the project's packages.
 */
function buildBase(root: string): string {
  const state = path.join(root, '.bot');
  if (existsSync(state) || !existsSync(path.join(root, 'node_modules'))) return path.join(state, 'build');
  return path.join(root, 'node_modules', '.cache', 'inputbot', 'build');
}

/** What one entry file became: its output module, or why it has none. */
interface BuiltEntry {
  output?: string;
  failure?: ImportFailure;
  /** It imports a chunk with `import()`, so the build's files are needed after the load. */
  lazy: boolean;
}

/**
 * One esbuild build of every entry (bundled, split into shared chunks, packages left to Node). When it fails,
 * each entry is compiled on its own to tell which ones the errors break, and the rest are built together.
 */
async function buildAll(root: string, files: string[], outdir: string): Promise<Map<string, BuiltEntry>> {
  runningBuilds++;
  try {
    const first = await esbuild(root, files, outdir, true);
    if (first.ok) return first.entries;
    const alone = await Promise.all(files.map(async (file) => [file, await esbuild(root, [file], outdir, false)] as const));
    const byFile = new Map<string, BuiltEntry>();
    for (const [file, result] of alone) {
      if (!result.ok) byFile.set(file, { failure: describeBuildError(root, file, result.errors), lazy: false });
    }
    const good = files.filter((f) => !byFile.has(f));
    const rest = good.length ? await esbuild(root, good, outdir, true) : undefined;
    for (const file of good) {
      const entry = rest?.ok ? rest.entries.get(file) : undefined;
      const failure = rest && !rest.ok ? describeBuildError(root, file, rest.errors) : undefined;
      byFile.set(file, entry ?? { failure, lazy: false });
    }
    return byFile;
  } finally {
    if (--runningBuilds === 0) await stop();
  }
}

type EsbuildResult = { ok: true; entries: Map<string, BuiltEntry> } | { ok: false; errors: Message[] };

async function esbuild(root: string, files: string[], outdir: string, write: boolean): Promise<EsbuildResult> {
  try {
    const result = await build({
      absWorkingDir: root,
      entryPoints: files,
      outdir,
      outbase: root,
      entryNames: '[dir]/[name]-[hash]',
      chunkNames: 'chunks/[name]-[hash]',
      // .mjs: ESM whatever the project's package.json says about "type".
      outExtension: { '.js': '.mjs' },
      write,
      metafile: write,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: `node${process.versions.node}`,
      // node_modules stay Node's: one instance of @inputbot/runtime and zod for the project and the services.
      packages: 'external',
      sourcemap: true,
      sourcesContent: false,
      // Bundling renames clashing top-level names; classes and functions keep theirs, as tsx left them.
      keepNames: true,
      charset: 'utf8',
      // `require` as tsx gave it to the CommonJS files of a project without "type": "module" (esbuild renames a
      // module's own `require`, so this cannot clash).
      banner: { js: "import { createRequire as __inputbotCreateRequire } from 'node:module'; const require = __inputbotCreateRequire(import.meta.url);" },
      logLevel: 'silent',
      plugins: [sourceLocationPlugin],
    });
    return { ok: true, entries: write ? describeOutputs(root, result.metafile as Metafile) : new Map() };
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    if (Array.isArray(errors) && errors.length) return { ok: false, errors };
    return { ok: false, errors: [{ id: '', pluginName: '', text: String(error), location: null, notes: [], detail: undefined }] };
  }
}

/** Per entry file: its output and whether anything is left to load lazily. */
function describeOutputs(root: string, metafile: Metafile): Map<string, BuiltEntry> {
  const entries = new Map<string, BuiltEntry>();
  const outputs = metafile.outputs;
  for (const [output, meta] of Object.entries(outputs)) {
    if (!meta.entryPoint) continue;
    let lazy = false;
    const seen = new Set<string>();
    const visit = (out: string) => {
      if (seen.has(out)) return;
      seen.add(out);
      const node = outputs[out];
      if (!node) return;
      for (const imp of node.imports) {
        if (imp.external) continue;
        if (imp.kind === 'dynamic-import') lazy = true;
        visit(imp.path);
      }
    };
    visit(output);
    entries.set(path.resolve(root, meta.entryPoint), { output: path.resolve(root, output), lazy });
  }
  return entries;
}

// Bundled code runs from .bot/build, so `import.meta.url` and friends are pinned to the source file: lib/db.ts
// of the ops template finds the project root through it. A textual replacement, which also rewrites the words
// inside strings and comments; rare enough to accept.
const IMPORT_META = /\bimport\.meta\.(url|filename|dirname)\b/g;
const sourceLocationPlugin: Plugin = {
  name: 'inputbot-source-location',
  setup(builder) {
    builder.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async ({ path: file }) => {
      const source = await readFile(file, 'utf8');
      const values = { url: pathToFileURL(file).href, filename: file, dirname: path.dirname(file) };
      const contents = commonJsNames(file, source) + source.replace(IMPORT_META, (_match, key: keyof typeof values) => JSON.stringify(values[key]));
      return { contents, loader: LOADERS[path.extname(file)] ?? 'js' };
    });
  },
};

/**
 * `__dirname` and `__filename` for files that use them without declaring them (files of projects without
 * `"type": "module"`, which tsx ran as CommonJS), as the source file's; on the first line, so lines stay put.
 */
function commonJsNames(file: string, source: string): string {
  const names = { __dirname: path.dirname(file), __filename: file };
  return Object.entries(names)
    .filter(([name]) => new RegExp(`\\b${name}\\b`).test(source) && !new RegExp(`\\b(?:const|let|var|function|class)\\s+${name}\\b`).test(source))
    .map(([name, value]) => `const ${name} = ${JSON.stringify(value)}; `)
    .join('');
}

async function importBuilt(root: string, file: string, entry: BuiltEntry | undefined): Promise<ImportResult> {
  if (!entry?.output) return entry?.failure ?? { ok: false, code: 'MODULE_SYNTAX', message: 'does not compile', at: { file: path.relative(root, file) } };
  try {
    const exports = (await import(pathToFileURL(entry.output).href)) as Record<string, unknown>;
    return { ok: true, exports };
  } catch (error) {
    return describeImportError(root, file, error);
  }
}

// esbuild's first error names the file, line and column; an import it cannot resolve is reported as the import
// failing, as Node reported it before the files were bundled.
function describeBuildError(root: string, file: string, errors: Message[]): ImportFailure {
  const error = errors[0];
  const location = error?.location;
  const at: SourceLocation = location
    ? { file: path.relative(root, path.resolve(root, location.file)), line: location.line, column: location.column + 1 }
    : { file: path.relative(root, file) };
  const text = error?.text ?? 'unknown error';
  if (text.startsWith('Could not resolve')) return { ok: false, code: 'MODULE_THROWS', message: `throws on import: ${text}`, at };
  return { ok: false, code: 'MODULE_SYNTAX', message: `does not compile: ${text}`, at };
}

// A throw at import time carries a stack whose frames the source maps turn back into TypeScript lines.
function describeImportError(root: string, file: string, error: unknown): ImportFailure {
  const rel = path.relative(root, file);
  const err = error instanceof Error ? error : new Error(String(error));
  if (err.name === 'SyntaxError') {
    return { ok: false, code: 'MODULE_SYNTAX', message: `does not compile: ${err.message}`, at: { file: rel } };
  }
  return { ok: false, code: 'MODULE_THROWS', message: `throws on import: ${err.message}`, at: { file: rel, ...frameIn(err, file) } };
}

// Node maps the frames itself where source maps are enabled; where something else formats stacks (a test
// runner), the frame in the bundled output is mapped through the source map Node cached when it loaded it.
function frameIn(err: Error, file: string): { line?: number; column?: number } {
  for (const frame of sourceFrames(err)) if (frame.file === file) return { line: frame.line, column: frame.column };
  return {};
}

/**
 * Removes build folders no loader needs: those of processes that are gone (killed before closing theirs) and,
 * of this process's builds kept for lazy imports, all but the newest few.
 */
async function sweep(base: string): Promise<void> {
  const names = await readdir(base).catch(() => [] as string[]);
  const own: { dir: string; mtime: number }[] = [];
  for (const name of names) {
    const dir = path.join(base, name);
    const pid = Number(/^(\d+)-/.exec(name)?.[1]);
    if (!pid || openBuilds.has(dir)) continue;
    if (pid === process.pid) own.push({ dir, mtime: (await stat(dir).catch(() => undefined))?.mtimeMs ?? 0 });
    else if (!isAlive(pid)) await rm(dir, { recursive: true, force: true });
  }
  own.sort((a, b) => b.mtime - a.mtime);
  for (const { dir } of own.slice(KEPT_BUILDS)) await rm(dir, { recursive: true, force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
