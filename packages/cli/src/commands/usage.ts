// `bot usage`: the LLM cost ledger — calls, tokens and USD by model, API key and day, from the project's state.
import type { UsageSums, UsageTotals } from '@inputbot/runtime/store';
import { withStore } from '../dev/state-files.ts';
import { CliError, EXIT } from '../errors.ts';
import type { Logger } from '../output/logger.ts';
import { color } from '../output/theme.ts';
import { projectDirOf } from '../project-dir.ts';
import { table } from '../reporters/format.ts';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export async function usageCommand(dir: string | undefined, options: { dir: string; since: string; json?: boolean }, logger: Logger): Promise<number> {
  const root = projectDirOf(dir, options.dir);
  const from = parseSince(options.since);
  const totals = await withStore(root, (store) => store.usageTotals({ from }));
  if (options.json) {
    logger.info(JSON.stringify({ from, ...totals }, null, 2));
    return EXIT.ok;
  }
  logger.info(renderUsage(totals, from));
  return EXIT.ok;
}

/** `--since`: a span back from now (`30m`, `24h`, `7d`) or an ISO date (`2026-01-31`), as epoch ms. */
export function parseSince(since: string): number {
  const span = /^(\d+)\s*([mhd])$/.exec(since.trim());
  if (span) return Date.now() - Number(span[1]) * UNIT_MS[span[2] as keyof typeof UNIT_MS];
  const date = Date.parse(since);
  if (Number.isNaN(date)) throw new CliError('USAGE_SINCE_INVALID', `--since ${since}: use a span such as 24h or 7d, or a date such as 2026-01-31`);
  return date;
}

/** The totals line, then one table per grouping. */
export function renderUsage(totals: UsageTotals, from: number): string {
  const { total } = totals;
  const lines = [color.bold(`LLM usage since ${new Date(from).toISOString()}`)];
  if (total.calls === 0) return [...lines, color.dim('  no LLM calls in this period')].join('\n');
  lines.push(
    `  ${total.calls} calls · ${count(total.inputTokens)} in · ${count(total.outputTokens)} out · ${count(total.cachedTokens)} cached · ${usd(total.costUsd)}` +
      color.dim(` · ${total.cacheHits} cache hits · ${total.failed} failed`),
  );
  const section = (title: string, rows: Array<UsageSums & { name: string }>) => {
    lines.push('', ...table([title, 'calls', 'input', 'output', 'cached', 'cost', 'hits', 'failed'], rows.map(row)));
  };
  section(
    'model',
    totals.byModel.map((m) => ({ ...m, name: m.model })),
  );
  section(
    'key',
    totals.byKey.map((k) => ({ ...k, name: k.apiKeyId })),
  );
  section(
    'day (UTC)',
    totals.byDay.map((d) => ({ ...d, name: d.day })),
  );
  return lines.join('\n');
}

function row(sums: UsageSums & { name: string }): string[] {
  return [
    sums.name,
    String(sums.calls),
    count(sums.inputTokens),
    count(sums.outputTokens),
    count(sums.cachedTokens),
    usd(sums.costUsd),
    String(sums.cacheHits),
    String(sums.failed),
  ];
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function usd(n: number): string {
  return `$${n < 1 ? n.toFixed(4) : n.toFixed(2)}`;
}
