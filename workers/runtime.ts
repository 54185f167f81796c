// Opens what both the API server and a worker process need, and wires the
// queue to the runner.
import type { Config } from '../core/config.ts';
import { actSigningKey } from '../core/act-token.ts';
import { errorMessage, log } from '../core/log.ts';
import { registryCalls } from '../core/metrics.ts';
import { encryptedFileStore, resolveStorageKey, type BlobStore } from '../db/blob-store.ts';
import { openDatabase, type Database } from '../db/index.ts';
import { syncDefaultWebhook } from '../db/organizations.ts';
import { makePrivate } from '../db/private-dir.ts';
import type { RegistryPort } from '../pipeline/registry/index.ts';
import { createStagePool, type StagePool } from './pool.ts';
import { openQueue, type JobQueue } from './queue/index.ts';
import { processDocument } from './runner.ts';
import { httpRegistry } from './registry/http.ts';
import { localRegistry } from './registry/local.ts';
import { startSweeper } from './sweeper.ts';
import { startWebhookDispatcher } from './webhooks.ts';

export interface Runtime {
  config: Config;
  db: Database;
  blobs: BlobStore;
  pool: StagePool;
  queue: JobQueue;
  registry: RegistryPort;
  /** Keys derived from the storage key: the act of verification's QR token. */
  keys: { act: Buffer };
  /** Starts processing jobs here, sweeping for unfinished documents and delivering webhooks. */
  consume(): void;
  close(): Promise<void>;
}

export async function openRuntime(config: Config): Promise<Runtime> {
  makePrivate(config.dataDir);
  if (!config.storage.dir.startsWith(config.dataDir + '/')) makePrivate(config.storage.dir);
  const db = await openDatabase(config);
  let blobs: BlobStore;
  let storageKey: Buffer;
  try {
    storageKey = resolveStorageKey(config);
    blobs = encryptedFileStore(config.storage.dir, storageKey);
  } catch (error) {
    await db.close();
    throw error;
  }
  await syncDefaultWebhook(db.prisma, config.webhook.endpoint);
  const pool = createStagePool(config.poolThreads);
  const queue = openQueue(config);
  const registry = measured(
    config.registry.url ? httpRegistry({ baseUrl: config.registry.url, ...config.registry.http }) : localRegistry(db),
  );
  let stopBackground = () => {};
  const runtime: Runtime = {
    config,
    db,
    blobs,
    pool,
    queue,
    registry,
    keys: { act: actSigningKey(storageKey) },
    consume() {
      // The first document after a start should not wait for the models to load.
      if (config.warmUp) {
        const started = Date.now();
        pool.warmUp().then(
          () => log.info('stage engines loaded', { threads: config.poolThreads, ms: Date.now() - started }),
          (error: unknown) => log.warn('warm-up failed; engines load on first use', { error: errorMessage(error) }),
        );
      }
      queue.consume(
        async (job, attempt) => void (await processDocument(runtime, job.documentId, attempt)),
        config.workerConcurrency,
      );
      const stopSweeper = startSweeper(runtime, config.jobs.sweepIntervalMs);
      const stopWebhooks = startWebhookDispatcher(db, config.webhook);
      stopBackground = () => {
        stopSweeper();
        stopWebhooks();
      };
    },
    async close() {
      stopBackground();
      await queue.close();
      await pool.close();
      await db.close();
    },
  };
  return runtime;
}

/** Every lookup timed and counted by registry and answer. */
function measured(port: RegistryPort): RegistryPort {
  return {
    async lookup(kind, key) {
      const done = registryCalls.startTimer({ registry: kind });
      const answer = await port.lookup(kind, key);
      done({ answer: answer.status });
      return answer;
    },
    ...(port.breakers ? { breakers: () => port.breakers!() } : {}),
  };
}
