// Nothing accepted is lost: every document that is stored but not finished is
// (re-)enqueued at start and then periodically. Enqueuing is idempotent (job id
// = document id), so a document already waiting or running is left alone.
// Applications due for settlement (a registry retry, or a settlement a dying
// worker never made) are settled here too.
import { errorMessage, log } from '../core/log.ts';
import type { Database } from '../db/index.ts';
import type { JobQueue } from './queue/index.ts';
import { settleDue, type SettleDeps } from './settle.ts';

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

export function startSweeper(deps: SettleDeps & { queue: JobQueue }, intervalMs: number): () => void {
  let busy = false;
  const sweep = async (minAgeMs?: number) => {
    if (busy) return;
    busy = true;
    try {
      const count = await sweepUnfinished(deps.db, deps.queue, minAgeMs);
      if (count) log.info('re-enqueued unfinished documents', { count });
      const settled = await settleDue(deps);
      if (settled) log.info('settled applications that were waiting (registry retries, interrupted settlements)', { settled });
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
