import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AttemptOutcome, UpstreamObserver } from '../upstream/upstream.observer.js';
import type { CheckStatus } from './readiness.js';

// Every metric the gateway exports: names, help texts and labels in one place, on a registry of
// each gateway's own (tests run several gateways in one process; the global registry would mix
// them). The rest of the gateway reports through the methods below and never names a metric.

export const METRIC_NAMES = {
  upstreamRequests: 'gateway_upstream_requests_total',
  upstreamDuration: 'gateway_upstream_request_duration_seconds',
  rateLimitWait: 'gateway_upstream_rate_limit_wait_seconds',
  throttled: 'gateway_upstream_throttled_total',
  cache: 'gateway_upstream_cache_total',
  graphqlOperations: 'gateway_graphql_operations_total',
  webhookDeliveries: 'gateway_webhook_deliveries_total',
  activeSubscriptions: 'gateway_active_subscriptions',
  readiness: 'gateway_readiness',
} as const;

/** Operation names become labels only while there are few of them: clients choose them. */
const MAX_OPERATION_NAMES = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export type WebhookResult = 'accepted' | 'duplicate' | 'rejected';

const READINESS_VALUE: Record<CheckStatus, number> = { ok: 1, degraded: 0.5, down: 0 };

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly contentType = this.registry.contentType;
  private readonly operationNames = new Set<string>();

  private readonly upstreamRequests = new Counter({
    name: METRIC_NAMES.upstreamRequests,
    help: 'Requests sent to an upstream, one per attempt; status is the HTTP status, or timeout / unavailable / error without an answer',
    labelNames: ['upstream', 'endpoint', 'method', 'status'] as const,
    registers: [this.registry],
  });
  private readonly upstreamDuration = new Histogram({
    name: METRIC_NAMES.upstreamDuration,
    help: 'Time from sending an upstream request to reading its whole answer',
    labelNames: ['upstream', 'endpoint'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly rateLimitWait = new Histogram({
    name: METRIC_NAMES.rateLimitWait,
    help: 'Time a request waited for its slot in the client-side rate budget and its caller share',
    labelNames: ['upstream'] as const,
    buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly throttled = new Counter({
    name: METRIC_NAMES.throttled,
    help: 'Answers of 429 (too many requests) from an upstream',
    labelNames: ['upstream', 'endpoint'] as const,
    registers: [this.registry],
  });
  private readonly cache = new Counter({
    name: METRIC_NAMES.cache,
    help: 'GETs answered without a call of their own (hit: a kept answer or an identical call in flight) or with one (miss)',
    labelNames: ['upstream', 'endpoint', 'result'] as const,
    registers: [this.registry],
  });
  private readonly graphqlOperations = new Counter({
    name: METRIC_NAMES.graphqlOperations,
    help: 'GraphQL operations over HTTP by name, type and outcome (OK or the first error code)',
    labelNames: ['operation', 'type', 'code'] as const,
    registers: [this.registry],
  });
  private readonly webhookDeliveries = new Counter({
    name: METRIC_NAMES.webhookDeliveries,
    help: 'Webhook deliveries received, by source and result',
    labelNames: ['source', 'result'] as const,
    registers: [this.registry],
  });
  private readonly readiness = new Gauge({
    name: METRIC_NAMES.readiness,
    help: 'Last known state of each readiness check: 1 ok, 0.5 degraded, 0 down',
    labelNames: ['check'] as const,
    registers: [this.registry],
  });

  constructor(activeSubscriptions: () => number) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: METRIC_NAMES.activeSubscriptions,
      help: 'Open GraphQL subscriptions over WebSocket',
      registers: [this.registry],
      collect() {
        this.set(activeSubscriptions());
      },
    });
  }

  /** The upstream layer's hooks, reported as metrics. */
  readonly upstreamObserver: UpstreamObserver = {
    onAttempt: (upstream, endpoint, method, outcome: AttemptOutcome, durationMs) => {
      this.upstreamRequests.inc({ upstream, endpoint, method, status: String(outcome) });
      this.upstreamDuration.observe({ upstream, endpoint }, durationMs / 1000);
    },
    onThrottled: (upstream, endpoint) => this.throttled.inc({ upstream, endpoint }),
    onRateWait: (upstream, ms) => this.rateLimitWait.observe({ upstream }, ms / 1000),
    onCacheLookup: (upstream, endpoint, hit) => this.cache.inc({ upstream, endpoint, result: hit ? 'hit' : 'miss' }),
  };

  graphqlOperation(name: string | null | undefined, type: string, code: string): void {
    this.graphqlOperations.inc({ operation: this.operationLabel(name), type, code });
  }

  webhookDelivery(source: string, result: WebhookResult): void {
    this.webhookDeliveries.inc({ source, result });
  }

  readinessState(check: string, status: CheckStatus): void {
    this.readiness.set({ check }, READINESS_VALUE[status]);
  }

  /** The exposition text for GET /metrics. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  private operationLabel(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (!OPERATION_NAME.test(name)) return 'other';
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= MAX_OPERATION_NAMES) return 'other';
    this.operationNames.add(name);
    return name;
  }
}
