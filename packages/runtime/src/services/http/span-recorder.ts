// Records spans in batches: a request only pushes to an array; a timer writes them to the store every few ms.
import type { Logger } from 'pino';
import type { Span } from '../../contracts/span.ts';
import type { Store } from '../../store/types.ts';

export interface SpanRecorder {
  record(span: Span): void;
  /** Writes what is buffered and stops the timer. */
  close(): Promise<void>;
}

const MAX_BUFFERED = 10_000;

/** Buffers spans and appends them to `store` every `flushMs`. Losing a span is logged, never fails a request. */
export function createSpanRecorder(store: Store, logger: Logger, flushMs = 50): SpanRecorder {
  let buffer: Span[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing = Promise.resolve();

  const flush = (): Promise<void> => {
    timer = undefined;
    if (buffer.length === 0) return writing;
    const batch = buffer;
    buffer = [];
    writing = writing
      .then(() => store.appendSpans(batch))
      .catch((error: unknown) => logger.warn({ err: error, spans: batch.length }, 'could not record spans'));
    return writing;
  };

  return {
    record(span) {
      // Under a store outage, drop rather than grow without bound.
      if (buffer.length >= MAX_BUFFERED) return;
      buffer.push(span);
      if (!timer) timer = setTimeout(flush, flushMs).unref();
    },
    async close() {
      clearTimeout(timer);
      await flush();
    },
  };
}
