// What a runtime shows at scrape time: queue depth, applications by status,
// the webhook backlog, registry breakers and the thread pool. A registry of
// its own per runtime (tests run several in one process), merged with the
// process-wide event metrics of core/metrics.ts when scraped.
import http from 'node:http';
import { Gauge, Registry } from 'prom-client';
import { errorMessage, log } from '../core/log.ts';
import { metrics } from '../core/metrics.ts';
import * as applications from '../db/applications.ts';
import * as deliveries from '../db/webhook-deliveries.ts';
import type { Runtime } from './runtime.ts';

type Read = () => Promise<{ labels: Record<string, string>; value: number }[]>;

export function runtimeMetrics(runtime: Pick<Runtime, 'db' | 'queue' | 'pool' | 'registry'>): Registry {
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[], read: Read) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        for (const { labels, value } of await read()) this.set(labels, value);
      },
    });

  gauge('docverify_queue_jobs', 'Document jobs by state (waiting, active, delayed, failed)', ['state'], async () =>
    Object.entries(await runtime.queue.counts()).map(([state, value]) => ({ labels: { state }, value })),
  );
  gauge('docverify_applications', 'Applications by status', ['status'], async () =>
    (await applications.countByStatus(runtime.db.prisma)).map(({ status, count }) => ({
      labels: { status },
      value: count,
    })),
  );
  gauge('docverify_webhook_deliveries', 'Webhook deliveries by status (pending is the backlog)', ['status'], async () =>
    (await deliveries.countByStatus(runtime.db.prisma)).map(({ status, count }) => ({
      labels: { status },
      value: count,
    })),
  );
  gauge(
    'docverify_registry_breaker_open',
    'Registry circuits open (1) or closed (0); only for a remote registry',
    ['registry'],
    async () =>
      Object.entries(runtime.registry.breakers?.() ?? {}).map(([registry, open]) => ({
        labels: { registry },
        value: open ? 1 : 0,
      })),
  );
  gauge('docverify_pool', 'Stage thread pool: threads, queued tasks, utilisation (0–1)', ['measure'], async () =>
    Object.entries(runtime.pool.stats()).map(([measure, value]) => ({ labels: { measure }, value })),
  );
  return registry;
}

/** The text Prometheus reads: process-wide metrics and this runtime's. */
export async function scrape(registry: Registry): Promise<{ contentType: string; body: string }> {
  const merged = Registry.merge([metrics, registry]);
  return { contentType: merged.contentType, body: await merged.metrics() };
}

/** GET /metrics on a port of its own (a worker process), nothing else. */
export function serveMetrics(registry: Registry, host: string, port: number): http.Server {
  return http
    .createServer((req, res) => {
      if (req.method !== 'GET' || req.url !== '/metrics') return void res.writeHead(404).end();
      scrape(registry).then(
        ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
        (error: unknown) => {
          log.warn('metrics scrape failed', { error: errorMessage(error) });
          res.writeHead(500).end();
        },
      );
    })
    .listen(port, host);
}
