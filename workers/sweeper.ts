// Nothing accepted is lost: every document that is stored but not finished is
// (re-)enqueued at start and then periodically. Enqueuing is idempotent (job id
// = document id), so a document already waiting or running is left alone.
import { errorMessage, log } from '../core/log.ts';
import type { Database } from '../db/index.ts';
import type { JobQueue } from './queue/index.ts';

const BATCH = 500;
/** Leave fresh uploads to the API's own enqueue. */
const MIN_AGE_MS = 5_000;

export async function sweepUnfinished(db: Database, queue: JobQueue, minAgeMs = MIN_AGE_MS): Promise<number> {
  const documents = await db.prisma.document.findMany({
    where: { status: { in: ['received', 'processing'] }, createdAt: { lt: new Date(Date.now() - minAgeMs) } },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
    take: BATCH,
  });
  for (const { id } of documents) await queue.requeue({ documentId: id });
  return documents.length;
}

export function startSweeper(db: Database, queue: JobQueue, intervalMs: number): () => void {
  let busy = false;
  const sweep = async (minAgeMs?: number) => {
    if (busy) return;
    busy = true;
    try {
      const count = await sweepUnfinished(db, queue, minAgeMs);
      if (count) log.info('re-enqueued unfinished documents', { count });
    } catch (error) {
      log.warn('sweep failed', { error: errorMessage(error) });
    } finally {
      busy = false;
    }
  };
  void sweep(0);
  const timer = setInterval(() => void sweep(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
