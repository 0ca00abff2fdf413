// Where in the project's TypeScript an error was thrown: its stack frames, mapped back through the source maps of the
// compiled builds (Node keeps those it read while loading them), so a location names the .ts file and its line.
import { findSourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SourceFrame {
  /** An absolute path. */
  file: string;
  line: number;
  column: number;
}

const FRAME = /\((.+):(\d+):(\d+)\)$|at (.+):(\d+):(\d+)$/;

/** The error's stack frames, each mapped to its original source where a source map is known. */
export function* sourceFrames(error: unknown): Generator<SourceFrame> {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  for (const frame of stack.split('\n').slice(1)) {
    const match = FRAME.exec(frame.trim());
    if (!match) continue;
    const where = (match[1] ?? match[4] ?? '').split('?')[0] as string;
    const line = Number(match[2] ?? match[5]);
    const column = Number(match[3] ?? match[6]);
    const origin = findSourceMap(where)?.findOrigin(line, column);
    if (origin && 'fileName' in origin) yield { file: toPath(origin.fileName), line: origin.lineNumber, column: origin.columnNumber };
    else yield { file: toPath(where), line, column };
  }
}

/** The first frame in the project's own files (not its packages), as `actions/x.ts:12:5`. */
export function projectLocation(error: unknown, root: string): string | undefined {
  for (const frame of sourceFrames(error)) {
    const rel = path.relative(root, frame.file);
    if (rel.startsWith('..') || path.isAbsolute(rel) || rel.split(path.sep).includes('node_modules')) continue;
    return `${rel}:${frame.line}:${frame.column}`;
  }
  return undefined;
}

function toPath(file: string): string {
  return file.startsWith('file://') ? fileURLToPath(file) : file;
}
