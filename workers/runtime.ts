// Opens what both the API server and a worker process need, and wires the
// queue to the runner.
import type { Config } from '../core/config.ts';
import { openBlobStore, type BlobStore } from '../db/blob-store.ts';
import { openDatabase, type Database } from '../db/index.ts';
import { createStagePool, type StagePool } from './pool.ts';
import { openQueue, type JobQueue } from './queue/index.ts';
import { processDocument } from './runner.ts';
import { startSweeper } from './sweeper.ts';

export interface Runtime {
  config: Config;
  db: Database;
  blobs: BlobStore;
  pool: StagePool;
  queue: JobQueue;
  /** Starts processing jobs here, and sweeping for unfinished documents. */
  consume(): void;
  close(): Promise<void>;
}

export async function openRuntime(config: Config): Promise<Runtime> {
  const db = await openDatabase(config);
  let blobs: BlobStore;
  try {
    blobs = openBlobStore(config);
  } catch (error) {
    await db.close();
    throw error;
  }
  const pool = createStagePool(config.poolThreads);
  const queue = openQueue(config);
  let stopSweeper = () => {};
  const runtime: Runtime = {
    config,
    db,
    blobs,
    pool,
    queue,
    consume() {
      queue.consume(async (job, attempt) => void (await processDocument(runtime, job.documentId, attempt)), config.workerConcurrency);
      stopSweeper = startSweeper(db, queue, config.jobs.sweepIntervalMs);
    },
    async close() {
      stopSweeper();
      await queue.close();
      await pool.close();
      await db.close();
    },
  };
  return runtime;
}
