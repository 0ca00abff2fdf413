// Finds where a value is written in a source file, so problems can name a line.

/** The 1-based line and column of the first occurrence of any needle, or undefined. */
export function locateInSource(source: string, ...needles: string[]): { line: number; column: number } | undefined {
  for (const needle of needles) {
    if (!needle) continue;
    const candidates = [needle, JSON.stringify(needle).slice(1, -1)];
    for (const candidate of candidates) {
      const at = source.indexOf(candidate);
      if (at !== -1) return positionAt(source, at);
    }
  }
  return undefined;
}

/** The 1-based line and column of a character offset. */
export function positionAt(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
