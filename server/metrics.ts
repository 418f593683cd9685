import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one server instance, served at /metrics. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'soramichi_' });
  return {
    registry,
    planDecisions: new Counter({
      name: 'soramichi_plan_decisions_total',
      help: 'Flight plan decisions by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    planDecisionSeconds: new Histogram({
      name: 'soramichi_plan_decision_seconds',
      help: 'Time to decide a flight plan, request to answer',
      labelNames: ['outcome'] as const,
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'soramichi_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    backgroundFailures: new Counter({
      name: 'soramichi_background_failures_total',
      help: 'Work nobody awaited that failed (logged at error with its context), by job',
      labelNames: ['job'] as const,
      registers: [registry],
    }),
    mirroredPlans: new Gauge({
      name: 'soramichi_mirrored_plans',
      help: 'Live plans in the in-memory mirror',
      registers: [registry],
    }),
    mirroredZones: new Gauge({
      name: 'soramichi_mirrored_zones',
      help: 'Zones in the in-memory mirror',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
