// `bot traces [id]`: recent traces, or one trace as a text waterfall of its spans; --follow keeps listing.
import { statSync } from 'node:fs';
import type { Span } from '@inputbot/runtime/contracts';
import type { Store } from '@inputbot/runtime/store';
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
  return withStore(root, async (store) => {
    // Following, the traces already there beyond the first `limit` are history, never printed as new ones.
    const listed = await store.listRecentTraces(options.follow ? Math.max(limit, FOLLOW_WINDOW) : limit);
    const shown = new Map<string, number>(listed.slice(limit).map((t) => [t.traceId, HISTORY]));
    for (const trace of listed.slice(0, limit).reverse()) {
      logger.info(renderWaterfall(await store.listSpans(trace.traceId)));
      shown.set(trace.traceId, trace.spanCount);
    }
    if (!options.follow) return EXIT.ok;
    let newest = listed[0]?.startMs ?? Number.NEGATIVE_INFINITY;
    for (;;) {
      await new Promise((r) => setTimeout(r, FOLLOW_POLL_MS));
      newest = await printSettled(store, shown, newest, logger);
    }
  });
}

const FOLLOW_POLL_MS = 500;
/** A trace is printed once no span has ended in it for this long: the hops of one message land within milliseconds. */
const SETTLED_MS = 1000;
/** Traces looked at per poll; more new ones than this between two polls are reported as skipped. */
const FOLLOW_WINDOW = 1000;
const HISTORY = -1;

/**
 * Prints, oldest first, each new trace that has settled, and again (marked) one that gained spans after it was
 * printed: an action that outlasts the settle time adds its span later. Resolves the newest trace start seen.
 */
async function printSettled(store: Store, shown: Map<string, number>, newestBefore: number, logger: Logger): Promise<number> {
  const traces = (await store.listRecentTraces(FOLLOW_WINDOW)).reverse();
  const oldest = traces[0];
  // Even the window's oldest trace started after everything seen before: some in between were never listed.
  if (traces.length === FOLLOW_WINDOW && oldest && oldest.startMs > newestBefore) {
    logger.info(color.yellow(`… more than ${FOLLOW_WINDOW} new traces within ${FOLLOW_POLL_MS} ms; some were skipped`));
  }
  const now = Date.now();
  for (const trace of traces) {
    const count = shown.get(trace.traceId);
    if (count === HISTORY || count === trace.spanCount || now - trace.endMs < SETTLED_MS) continue;
    const spans = await store.listSpans(trace.traceId);
    const more = count === undefined ? '' : color.dim(`  (${spans.length - count} more span${spans.length - count === 1 ? '' : 's'} since printed)`);
    logger.info(renderWaterfall(spans) + more);
    shown.set(trace.traceId, spans.length);
  }
  // Forget what has left the window, so a long follow does not grow without bound.
  if (shown.size > 2 * FOLLOW_WINDOW) {
    const inWindow = new Set(traces.map((t) => t.traceId));
    for (const id of shown.keys()) if (!inWindow.has(id)) shown.delete(id);
  }
  return Math.max(newestBefore, traces.at(-1)?.startMs ?? newestBefore);
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
