// Starts the HTTP service on a runtime: the `serve` command and the tests both use this.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../core/config.ts';
import { log } from '../core/log.ts';
import { countApiClients, createApiKey } from '../db/api-keys.ts';
import { openRuntime, type Runtime } from '../workers/runtime.ts';
import { createApp } from './app.ts';

export interface RunningService {
  url: string;
  runtime: Runtime;
  /** The development portal key, when this start created one. */
  devKey?: string;
  close(): Promise<void>;
}

export async function startService(config: Config): Promise<RunningService> {
  const runtime = await openRuntime(config);
  let devKey: string | undefined;
  if (runtime.db.kind === 'pglite' && (await countApiClients(runtime.db.prisma)) === 0) {
    devKey = (await createApiKey(runtime.db.prisma, { role: 'portal', name: 'development portal key' })).key;
  }
  if (config.runWorkers) runtime.consume();
  // A client that stalls its headers or body is cut off instead of holding a connection.
  const server = http
    .createServer(
      {
        headersTimeout: config.http.headersTimeoutMs,
        requestTimeout: config.http.requestTimeoutMs,
        connectionsCheckingInterval: 1000,
      },
      createApp(runtime),
    )
    .listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  log.info('docverify listening', {
    url,
    database: runtime.db.kind,
    queue: runtime.queue.kind,
    workers: config.runWorkers,
  });
  return {
    url,
    runtime,
    devKey,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await runtime.close();
    },
  };
}
