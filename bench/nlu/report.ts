// The benchmark table: our figures, NLP.js's, the published ones, and which targets are met.
import os from 'node:os';
import type { DatasetName } from './datasets.ts';
import type { EngineFigures } from './figures.ts';
import type { EngineName } from './run-one.ts';

export interface Result {
  dataset: DatasetName;
  engine: EngineName;
  figures: EngineFigures;
}

/** CLINC150 "Full" setting with an oos class trained (Larson et al. 2019, Table 2). */
const PUBLISHED_CLINC: [string, number, number][] = [
  ['Rasa', 91.5, 45.3],
  ['DialogFlow', 91.7, 14.0],
  ['MLP (USE)', 93.5, 47.4],
  ['BERT', 96.9, 40.3],
];

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : (v * 100).toFixed(1));
const ms = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(v < 10 ? 2 : 0));

export function formatReport(results: readonly Result[]): string {
  const lines: string[] = [];
  const header = ['dataset', 'engine', 'in-scope acc %', 'OOS recall %', 'intent acc %', 'entity F1', 'train s', 'p50 ms', 'p99 ms', 'peak RSS MB'];
  const rows = results.map(({ dataset, engine, figures: f }) => [
    dataset,
    engine,
    pct(f.inScopeAccuracy),
    pct(f.outOfScopeRecall),
    pct(f.intentAccuracy),
    f.entityF1 === null ? '–' : f.entityF1.toFixed(3),
    (f.trainMs / 1000).toFixed(1),
    ms(f.p50Ms),
    ms(f.p99Ms),
    f.peakRssMb === undefined ? '–' : f.peakRssMb.toFixed(0),
  ]);
  if (results.some((r) => r.dataset === 'clinc150')) {
    for (const [name, acc, oos] of PUBLISHED_CLINC)
      rows.push(['clinc150', `${name} (published)`, acc.toFixed(1), oos.toFixed(1), '–', '–', '–', '–', '–', '–']);
  }
  lines.push(
    table([header, ...rows]),
    '',
    ...targets(results),
    '',
    `machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}`,
  );
  return `${lines.join('\n')}\n`;
}

function targets(results: readonly Result[]): string[] {
  const ours = (d: DatasetName) => results.find((r) => r.dataset === d && r.engine === 'inputbot')?.figures;
  const peer = (d: DatasetName) => results.find((r) => r.dataset === d && r.engine === 'nlpjs')?.figures;
  const checks: [string, boolean][] = [];
  const clinc = ours('clinc150');
  if (clinc) {
    checks.push(['CLINC150 in-scope accuracy >= 92.0%', (clinc.inScopeAccuracy ?? 0) >= 0.92]);
    checks.push(['CLINC150 OOS recall >= 50%', (clinc.outOfScopeRecall ?? 0) >= 0.5]);
    checks.push(['CLINC150 training <= 10 s', clinc.trainMs <= 10_000]);
    checks.push(['CLINC150 classify p50 <= 1 ms', (clinc.p50Ms ?? Infinity) <= 1]);
    const p = peer('clinc150');
    if (p)
      checks.push([
        'CLINC150 better than NLP.js (in-scope and OOS)',
        (clinc.inScopeAccuracy ?? 0) > (p.inScopeAccuracy ?? 0) && (clinc.outOfScopeRecall ?? 0) > (p.outOfScopeRecall ?? 0),
      ]);
  }
  const snips = ours('snips');
  if (snips) {
    checks.push(['SNIPS intent accuracy >= 98%', (snips.intentAccuracy ?? 0) >= 0.98]);
    checks.push(['SNIPS entity micro-F1 >= 0.88', (snips.entityF1 ?? 0) >= 0.88]);
    checks.push(['SNIPS classify p50 <= 1 ms', (snips.p50Ms ?? Infinity) <= 1]);
    const p = peer('snips');
    if (p) checks.push(['SNIPS better than NLP.js (intent)', (snips.intentAccuracy ?? 0) > (p.intentAccuracy ?? 0)]);
  }
  return checks.map(([what, ok]) => `${ok ? 'met    ' : 'MISSED '} ${what}`);
}

function table(rows: string[][]): string {
  const widths = (rows[0] as string[]).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c] as number)).join(' | ')} |`;
  return [line(rows[0] as string[]), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.slice(1).map(line)].join('\n');
}
