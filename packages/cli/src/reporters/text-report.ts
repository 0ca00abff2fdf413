// The human-readable `bot test` report: headline figures, worst intents first, confusions, entities, failures.
import type { TestReport } from '@inputbot/runtime/testing';
import { color, symbols } from '../output/theme.ts';
import { fixed, formatEntities, ms, pct, table } from './format.ts';

export interface TextReportContext {
  name: string;
  mode: string;
  /** Replaces "trained in …" in the headline (e.g. "runtime ready in 1.7 s" for --e2e). */
  setup?: string;
  /** How many failures to print in full. @default 20 */
  maxFailures?: number;
}

export function renderTextReport(report: TestReport, context: TextReportContext): string {
  const out: string[] = [];
  const t = report.training;
  out.push(
    `${color.bold(context.name)}: ${t.intents} intents, ${t.examples} examples · ${context.setup ?? `${context.mode} NLU ${t.fromCache ? 'loaded from cache' : `trained in ${ms(t.ms)}`}`}`,
    '',
  );
  const i = report.intent;
  out.push(
    `${'Intents'.padEnd(13)} accuracy ${color.bold(pct(i.accuracy))}  in-scope ${pct(i.inScopeAccuracy)}  macro-F1 ${fixed(i.macroF1)}  ${color.dim(`(${report.cases} cases)`)}`,
    `${'Out of scope'.padEnd(13)} recall ${pct(report.outOfScope.recall)}  precision ${pct(report.outOfScope.precision)}  ${color.dim(`(${report.outOfScope.support} cases)`)}`,
    `${'Entities'.padEnd(13)} precision ${fixed(report.entities.precision)}  recall ${fixed(report.entities.recall)}  F1 ${color.bold(fixed(report.entities.f1))}`,
    `${'Latency'.padEnd(13)} p50 ${ms(report.latency.p50Ms)}  p95 ${ms(report.latency.p95Ms)}`,
  );
  const u = report.usage;
  if (u.llmCalls > 0) {
    out.push(
      `${'LLM'.padEnd(13)} ${u.llmCalls} call${u.llmCalls === 1 ? '' : 's'}  ${u.inputTokens.toLocaleString('en-US')} in / ${u.outputTokens.toLocaleString('en-US')} out tokens  $${u.costUsd.toFixed(4)}` +
        (report.paths.llm + report.paths.local > 0 ? color.dim(`  (answered by the LLM ${report.paths.llm}, locally ${report.paths.local})`) : ''),
    );
  }
  if (i.perIntent.length) {
    out.push('', color.bold('Per intent (worst first)'));
    out.push(
      ...table(
        ['intent', 'precision', 'recall', 'F1', 'support'],
        i.perIntent.map((r) => [r.intent, fixed(r.precision), fixed(r.recall), fixed(r.f1), String(r.support)]),
      ),
    );
  }
  if (i.confusions.length) {
    out.push('', color.bold('Top confusions'));
    out.push(
      ...table(
        ['expected → got', 'count'],
        i.confusions.map((c) => [`${c.expected} → ${c.got}`, String(c.count)]),
      ),
    );
  }
  if (report.entities.perEntity.length) {
    out.push('', color.bold('Per entity'));
    out.push(
      ...table(
        ['entity', 'precision', 'recall', 'F1', 'support'],
        report.entities.perEntity.map((r) => [r.entity, fixed(r.precision), fixed(r.recall), fixed(r.f1), String(r.support)]),
      ),
    );
  }
  const max = context.maxFailures ?? 20;
  if (report.failures.length) {
    out.push('', color.bold(`Failures (${report.failures.length})`));
    for (const f of report.failures.slice(0, max)) {
      const where = f.file ? color.dim(` ${f.file}${f.line ? `:${f.line}` : ''}`) : '';
      out.push(`${symbols.fail} ${JSON.stringify(f.text)}${where}`);
      out.push(
        `    expected ${f.expected.intent}${formatEntities(f.expected.entities)}, got ${f.got.intent} (${f.got.confidence.toFixed(2)})${formatEntities(f.got.entities)}`,
      );
      for (const reason of f.reasons) out.push(color.dim(`    ${reason}`));
    }
    if (report.failures.length > max) out.push(color.dim(`  … and ${report.failures.length - max} more (--json lists them all)`));
  }
  out.push('');
  for (const v of report.thresholds.violations) out.push(`${symbols.fail} below threshold: ${v}`);
  const passed = report.cases - report.failed;
  if (report.passed) out.push(`${symbols.ok} ${passed} of ${report.cases} fixtures passed`);
  else out.push(`${symbols.fail} ${report.failed} of ${report.cases} fixtures failed`);
  return out.join('\n');
}
