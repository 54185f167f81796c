// Nothing accepted is lost: every document that is stored but not finished is
// (re-)enqueued at start and then periodically. Enqueuing is idempotent (job id
// = document id), so a document already waiting or running is left alone.
// Applications due for settlement (a registry retry, or a settlement a dying
// worker never made) are settled here too, and clarification deadlines
// enforced (a reminder before, a rejection after). Hourly: blobs without a row (an
// upload whose transaction failed after its blob was written) are removed,
// and personal data past its retention is erased.
import type { Config } from '../core/config.ts';
import { repeat } from '../core/repeat.ts';
import { log } from '../core/log.ts';
import type { BlobStore } from '../db/blob-store.ts';
import * as documents from '../db/documents.ts';
import { enforceClarificationDeadlines } from '../services/clarifications.ts';
import { eraseExpired } from '../services/erasure.ts';
import type { Database } from '../db/index.ts';
import type { JobQueue } from './queue/index.ts';
import { settleDue, type SettleDeps } from '../services/settlement.ts';

const BATCH = 500;
/** Leave fresh uploads to the API's own enqueue. */
const MIN_AGE_MS = 5_000;
const HOUR_MS = 3_600_000;
/** A blob this old without a row is an orphan, not an upload still being committed. */
const ORPHAN_AGE_MS = 24 * HOUR_MS;

/** Removes blobs older than minAgeMs whose document row does not exist; returns how many. */
export async function sweepOrphanBlobs(db: Database, blobs: BlobStore, minAgeMs = ORPHAN_AGE_MS): Promise<number> {
  const cutoff = Date.now() - minAgeMs;
  let removed = 0;
  let candidates: string[] = [];
  const flush = async () => {
    // Blob keys are the document id, or the document id and an artifact name.
    const ids = [...new Set(candidates.map((key) => key.split('.')[0]!))];
    const known = await documents.existing(db.prisma, ids);
    for (const key of candidates.filter((k) => !known.has(k.split('.')[0]!))) {
      await blobs.delete(key);
      removed++;
    }
    candidates = [];
  };
  for await (const blob of blobs.list()) {
    if (blob.modifiedAt.getTime() > cutoff || !/^[0-9a-f-]{36}(\.|$)/.test(blob.key)) continue;
    candidates.push(blob.key);
    if (candidates.length >= BATCH) await flush();
  }
  if (candidates.length) await flush();
  return removed;
}

export async function sweepUnfinished(db: Database, queue: JobQueue, minAgeMs = MIN_AGE_MS): Promise<number> {
  const unfinished = await documents.unfinishedBefore(db.prisma, new Date(Date.now() - minAgeMs), BATCH);
  for (const { id } of unfinished) await queue.requeue({ documentId: id });
  return unfinished.length;
}

export function startSweeper(
  deps: SettleDeps & { queue: JobQueue; blobs: BlobStore; config: Pick<Config, 'retentionDays' | 'clarification'> },
  intervalMs: number,
): () => void {
  let housekeptAt = 0;
  // The first sweep after a start re-enqueues every unfinished document, however young: no worker holds it.
  return repeat('sweep', intervalMs, async (first) => {
    const count = await sweepUnfinished(deps.db, deps.queue, first ? 0 : undefined);
    if (count) log.info('re-enqueued unfinished documents', { count });
    const settled = await settleDue(deps);
    if (settled)
      log.info('settled applications that were waiting (registry retries, interrupted settlements)', { settled });
    const deadlines = await enforceClarificationDeadlines(
      deps.db,
      deps.config.now(),
      deps.config.clarification.remindDays,
    );
    if (deadlines.reminded || deadlines.expired)
      log.info('clarification deadlines: reminders sent, applications rejected', deadlines);
    if (Date.now() - housekeptAt > HOUR_MS) {
      housekeptAt = Date.now();
      const orphans = await sweepOrphanBlobs(deps.db, deps.blobs);
      if (orphans) log.info('removed blobs without a document', { orphans });
      const erased = await eraseExpired(deps, deps.config.now(), deps.config.retentionDays);
      if (erased.applications || erased.accounts) log.info('erased personal data past retention', erased);
    }
  });
}
