// JUnit XML for CI systems: one test case per fixture, grouped by fixture file.
import type { TestReport } from '@inputbot/runtime/testing';

export interface JunitCase {
  text: string;
  file?: string;
  line?: number;
  reasons: string[];
  latencyMs: number;
}

/** `cases` are all outcomes (passed ones included), in fixture order. */
export function renderJunit(name: string, cases: readonly JunitCase[], report: TestReport): string {
  const bySuite = new Map<string, JunitCase[]>();
  for (const c of cases) {
    const suite = c.file ?? 'fixtures';
    bySuite.set(suite, [...(bySuite.get(suite) ?? []), c]);
  }
  const totalSeconds = cases.reduce((s, c) => s + c.latencyMs, 0) / 1000;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(`bot test ${name}`)}" tests="${cases.length}" failures="${report.failed}" errors="0" time="${totalSeconds.toFixed(3)}">`,
  ];
  for (const [suite, list] of bySuite) {
    const failures = list.filter((c) => c.reasons.length).length;
    const seconds = list.reduce((s, c) => s + c.latencyMs, 0) / 1000;
    lines.push(`  <testsuite name="${xml(suite)}" tests="${list.length}" failures="${failures}" errors="0" time="${seconds.toFixed(3)}">`);
    for (const c of list) {
      const attrs = `classname="${xml(suite)}" name="${xml(c.text)}" time="${(c.latencyMs / 1000).toFixed(4)}"${c.line ? ` file="${xml(suite)}" line="${c.line}"` : ''}`;
      if (c.reasons.length === 0) lines.push(`    <testcase ${attrs}/>`);
      else {
        lines.push(`    <testcase ${attrs}>`);
        lines.push(`      <failure message="${xml(c.reasons[0] as string)}" type="mismatch">${xml(c.reasons.join('\n'))}</failure>`);
        lines.push('    </testcase>');
      }
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

function xml(text: string): string {
  // Characters XML 1.0 cannot carry at all are dropped; the five specials are escaped.
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}
