// Prometheus metrics counted as things happen, process-wide: HTTP requests,
// stage durations, documents, verdicts, registry calls, and the process itself
// (RSS, heap, event loop). What is read at scrape time (queue depth, statuses,
// backlog, breakers, pool) is workers/metrics.ts. Exposed at GET /metrics
// (admin key) by the API, and on METRICS_PORT by a worker process.
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export const metrics = new Registry();
collectDefaultMetrics({ register: metrics, prefix: 'docverify_' });

export const httpRequestDuration = new Histogram({
  name: 'docverify_http_request_duration_seconds',
  help: 'HTTP requests by route template, method and status',
  labelNames: ['route', 'method', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metrics],
});

export const stageDuration = new Histogram({
  name: 'docverify_stage_duration_seconds',
  help: 'Pipeline stage durations by stage, document kind and outcome',
  labelNames: ['stage', 'kind', 'outcome'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32],
  registers: [metrics],
});

export const documentsProcessed = new Counter({
  name: 'docverify_documents_processed_total',
  help: 'Documents whose pipeline run finished, by kind and result (processed, failed)',
  labelNames: ['kind', 'result'] as const,
  registers: [metrics],
});

export const verdicts = new Counter({
  name: 'docverify_verdicts_total',
  help: 'Settlements of an application by the status they led to',
  labelNames: ['status'] as const,
  registers: [metrics],
});

export const registryCalls = new Histogram({
  name: 'docverify_registry_call_duration_seconds',
  help: 'Registry lookups by registry and answer (found, not_found, unavailable)',
  labelNames: ['registry', 'answer'] as const,
  buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 3, 10],
  registers: [metrics],
});
