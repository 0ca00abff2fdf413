// Imports a project's TypeScript files with tsx, fresh for every load, and turns failures into problems.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';
import type { ProblemCode } from './problems.ts';
import type { SourceLocation } from './types.ts';

export type ImportResult =
  | { ok: true; exports: Record<string, unknown> }
  | { ok: false; code: Extract<ProblemCode, 'MODULE_SYNTAX' | 'MODULE_THROWS'>; message: string; at: SourceLocation };

/** A tsx namespace: modules imported through it are isolated from earlier loads (hot reload needs that). */
export interface ModuleLoader {
  import(file: string): Promise<ImportResult>;
  /** Every file URL imported so far, dependencies included. */
  readonly imported: ReadonlySet<string>;
  close(): Promise<void>;
}

export function createModuleLoader(root: string): ModuleLoader {
  const imported = new Set<string>();
  const api = register({ namespace: `inputbot-${randomUUID()}`, onImport: (url) => imported.add(url) });
  return {
    imported,
    async import(file) {
      try {
        const mod = (await api.import(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
        // Without "type": "module" tsx loads a file as CommonJS and nests its exports under `default`.
        const cjs = mod.default as { __esModule?: boolean } | undefined;
        return { ok: true, exports: cjs?.__esModule ? (cjs as Record<string, unknown>) : mod };
      } catch (error) {
        return describeImportError(root, file, error);
      }
    },
    close: () => api.unregister(),
  };
}

// esbuild reports "file.ts:3:10: ERROR: Expected ..."; a throw at import time carries a stack whose
// frames tsx maps back to TypeScript lines.
function describeImportError(root: string, file: string, error: unknown): ImportResult & { ok: false } {
  const rel = path.relative(root, file);
  const err = error instanceof Error ? error : new Error(String(error));
  const esbuild = /([^\s:]+\.[cm]?[jt]sx?):(\d+):(\d+): ERROR: (.+)/.exec(err.message);
  if (esbuild) {
    const at = { file: path.relative(root, path.resolve(root, esbuild[1] as string)), line: Number(esbuild[2]), column: Number(esbuild[3]) + 1 };
    return { ok: false, code: 'MODULE_SYNTAX', message: `does not compile: ${esbuild[4]}`, at };
  }
  if (err.name === 'SyntaxError') {
    return { ok: false, code: 'MODULE_SYNTAX', message: `does not compile: ${err.message}`, at: { file: rel } };
  }
  return { ok: false, code: 'MODULE_THROWS', message: `throws on import: ${err.message}`, at: { file: rel, ...frameIn(err, file) } };
}

function frameIn(err: Error, file: string): { line?: number; column?: number } {
  const href = pathToFileURL(file).href;
  for (const frame of (err.stack ?? '').split('\n').slice(1)) {
    const match = /\((.+):(\d+):(\d+)\)$|at (.+):(\d+):(\d+)$/.exec(frame.trim());
    if (!match) continue;
    const where = (match[1] ?? match[4] ?? '').split('?')[0];
    if (where === file || where === href) return { line: Number(match[2] ?? match[5]), column: Number(match[3] ?? match[6]) };
  }
  return {};
}
