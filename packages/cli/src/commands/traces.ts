// `bot traces [id]`: recent traces, or one trace as a text waterfall of its spans; --follow keeps listing.
import { statSync } from 'node:fs';
import type { Span } from '@inputbot/runtime/contracts';
import { withStore } from '../dev/state-files.ts';
import { CliError, EXIT } from '../errors.ts';
import type { Logger } from '../output/logger.ts';
import { color } from '../output/theme.ts';
import { resolveProjectDir } from '../project-dir.ts';

const BAR = 40;

export async function tracesCommand(idOrDir: string | undefined, options: { dir: string; follow?: boolean; limit: string }, logger: Logger): Promise<number> {
  // `bot traces examples/ops-bot`, as `bot dev` and `bot status` take it: a trace id is never a folder.
  const folder = idOrDir !== undefined && isFolder(idOrDir);
  if (folder && options.dir !== '.') {
    throw new CliError('INVALID_TRACE_ID', `"${idOrDir}" is a folder, not a trace id; the project is already -C ${options.dir}`);
  }
  const id = folder ? undefined : idOrDir;
  const root = resolveProjectDir(folder ? idOrDir : options.dir);
  const limit = Number(options.limit) || 20;
  if (id) {
    const spans = await withStore(root, (store) => store.listSpans(id));
    logger.info(spans.length ? renderWaterfall(spans) : `no spans for trace ${id}`);
    return spans.length ? EXIT.ok : EXIT.failed;
  }
  const seen = new Set<string>();
  do {
    const traces = await withStore(root, (store) => store.listRecentTraces(limit));
    for (const trace of traces.reverse()) {
      if (seen.has(trace.traceId)) continue;
      seen.add(trace.traceId);
      const spans = await withStore(root, (store) => store.listSpans(trace.traceId));
      logger.info(renderWaterfall(spans));
    }
    if (options.follow) await new Promise((r) => setTimeout(r, 500));
  } while (options.follow);
  return EXIT.ok;
}

/** One line per span: service, name, a bar placed on the trace's timeline, duration and key attributes. */
export function renderWaterfall(spans: Span[]): string {
  const sorted = [...spans].sort((a, b) => a.startMs - b.startMs);
  const first = sorted[0];
  if (!first) return '';
  const start = first.startMs;
  const end = Math.max(...sorted.map((s) => s.endMs));
  const total = Math.max(0.001, end - start);
  const lines = [color.bold(`trace ${first.traceId}`) + color.dim(` conversation ${first.conversationId} · ${formatMs(end - start)}`)];
  for (const span of sorted) {
    const offset = Math.round(((span.startMs - start) / total) * BAR);
    const width = Math.max(1, Math.round(((span.endMs - span.startMs) / total) * BAR));
    const attrs = Object.entries(span.attributes)
      .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(3)) : v}`)
      .join(' ');
    lines.push(
      `  ${span.service.padEnd(9)} ${span.name.padEnd(28).slice(0, 28)} ${' '.repeat(offset)}${'█'.repeat(Math.min(width, BAR - offset || 1))}`.padEnd(85) +
        ` ${formatMs(span.endMs - span.startMs)} ${color.dim(attrs)}`,
    );
  }
  return lines.join('\n');
}

// Spans are timed to the microsecond; a local hop takes a fraction of a millisecond.
function formatMs(ms: number): string {
  return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(ms >= 10 ? 1 : 2)} ms`;
}

function isFolder(candidate: string): boolean {
  return statSync(candidate, { throwIfNoEntry: false })?.isDirectory() === true;
}
