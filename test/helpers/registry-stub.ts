// A stand-in registry service speaking the HTTP contract, with faults on
// demand: a share of failing answers (HTTP 500s or dropped connections),
// latency and latency spikes. Tests and the registry benchmark drive it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createRandom } from '../../fixtures/lib/random.ts';
import { REGISTRY_KINDS } from '../../pipeline/registry/index.ts';
import { rowsOf } from '../../workers/registry/import.ts';

export interface StubFaults {
  /** Share of requests answered 500 (half) or cut off (half). */
  failureRate: number;
  latencyMs: number;
  /** Share of requests delayed by spikeMs instead. */
  spikeRate: number;
  spikeMs: number;
}

export interface RegistryStub {
  url: string;
  faults: StubFaults;
  records: Map<string, Record<string, string>>;
  /** Serves what a corpus's registry files hold. */
  load(dir: string): Promise<void>;
  stats: { requests: number; failed: number; maxInFlight: number };
  close(): Promise<void>;
}

export async function startRegistryStub(faults: Partial<StubFaults> = {}, seed = 'stub'): Promise<RegistryStub> {
  const random = createRandom(seed);
  const stub = {
    faults: { failureRate: 0, latencyMs: 0, spikeRate: 0, spikeMs: 0, ...faults },
    records: new Map<string, Record<string, string>>(),
    stats: { requests: 0, failed: 0, maxInFlight: 0 },
  };
  let inFlight = 0;
  const server = http.createServer((req, res) => {
    stub.stats.requests++;
    inFlight++;
    stub.stats.maxInFlight = Math.max(stub.stats.maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    const { failureRate, latencyMs, spikeRate, spikeMs } = stub.faults;
    const delay = random.next() < spikeRate ? spikeMs : latencyMs;
    setTimeout(() => {
      const match = /^\/registries\/([a-z_]+)\/records\/([^/]+)$/.exec(req.url ?? '');
      if (random.next() < failureRate) {
        stub.stats.failed++;
        if (random.next() < 0.5) return void res.writeHead(500).end('{"error":"injected"}');
        return void req.socket.destroy();
      }
      if (!match) return void res.writeHead(400).end();
      const record = stub.records.get(`${match[1]}/${decodeURIComponent(match[2]!)}`);
      res
        .writeHead(record ? 200 : 404, { 'content-type': 'application/json' })
        .end(JSON.stringify(record ? { found: true, record } : { found: false }));
    }, delay);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    ...stub,
    async load(dir) {
      for (const kind of REGISTRY_KINDS) {
        for await (const [key, record] of rowsOf(kind, path.join(dir, `${kind}.csv`), () => {}))
          stub.records.set(`${kind}/${key}`, JSON.parse(record));
      }
    },
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
