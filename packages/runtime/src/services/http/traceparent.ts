// W3C `traceparent` headers: how a trace and its parent span cross an HTTP hop or a broker message.
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** `00-<traceId>-<spanId>-01`. */
export function formatTraceparent(traceId: string, spanId: string): string {
  return `00-${traceId}-${spanId}-01`;
}

/** The trace and parent span of a `traceparent` header, or undefined when it is missing or malformed. */
export function parseTraceparent(header: string | string[] | undefined): { traceId: string; spanId: string } | undefined {
  const match = typeof header === 'string' ? TRACEPARENT.exec(header) : null;
  if (!match?.[1] || !match[2] || /^0+$/.test(match[1])) return undefined;
  return { traceId: match[1], spanId: match[2] };
}
