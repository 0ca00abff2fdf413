// The gateway's Prometheus metrics, in a registry of its own so several gateways can live in one process.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface GatewayMetrics {
  registry: Registry;
  /** Counts and times one answered request. `route` is the route pattern, never the raw URL. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  messageAccepted(duplicate: boolean): void;
  replyDelivered(via: 'wait' | 'sse', count?: number): void;
}

/** Creates the metrics; `waiting` and `streams` are read when Prometheus scrapes. */
export function createGatewayMetrics(gauges: { waiting: () => number; streams: () => number }): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'inputbot_gateway_requests_total',
    help: 'HTTP requests answered, by route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'inputbot_gateway_request_duration_seconds',
    help: 'Time to answer an HTTP request (a ?wait request includes the wait).',
    labelNames: ['method', 'route'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const accepted = new Counter({
    name: 'inputbot_gateway_messages_accepted_total',
    help: 'Messages the receiver accepted; duplicate="true" for a repeated idempotency key.',
    labelNames: ['duplicate'] as const,
    registers: [registry],
  });
  const replies = new Counter({
    name: 'inputbot_gateway_replies_delivered_total',
    help: 'Replies delivered to a waiting request (via="wait") or an event stream (via="sse").',
    labelNames: ['via'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'inputbot_gateway_waiting_requests',
    help: 'Requests waiting (?wait) for their reply right now.',
    registers: [registry],
    collect() {
      this.set(gauges.waiting());
    },
  });
  new Gauge({
    name: 'inputbot_gateway_event_streams',
    help: 'Open server-sent event streams.',
    registers: [registry],
    collect() {
      this.set(gauges.streams());
    },
  });

  // Label children are cached: looking labels up by hash on every request would dominate the cost of counting it.
  const children = new Map<string, { count: Counter.Internal; time: Histogram.Internal<'method' | 'route'> }>();
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      const key = `${method} ${route} ${status}`;
      let child = children.get(key);
      if (!child) {
        child = { count: requests.labels(method, route, String(status)), time: duration.labels(method, route) };
        children.set(key, child);
      }
      child.count.inc();
      child.time.observe(seconds);
    },
    messageAccepted(duplicate) {
      accepted.inc({ duplicate: String(duplicate) });
    },
    replyDelivered(via, count = 1) {
      replies.inc({ via }, count);
    },
  };
}
