// Runs one document job: load and decrypt the upload, run the stage table in
// the worker pool, then in one transaction store a CheckResult per stage, mark
// the document processed and settle the application if it was the last one.
// Idempotent: a re-delivered job for a finished document does nothing.
import { createHash } from 'node:crypto';
import os from 'node:os';
import type { Config } from '../core/config.ts';
import { errorMessage, log } from '../core/log.ts';
import { documentsProcessed, stageDuration } from '../core/metrics.ts';
import type { BlobStore } from '../db/blob-store.ts';
import { recordAudit } from '../db/audit.ts';
import * as applications from '../db/applications.ts';
import type { Json } from '../db/client.ts';
import * as documents from '../db/documents.ts';
import * as runs from '../db/runs.ts';
import type { DocumentKind } from '../generated/prisma/enums.ts';
import { detailsOf } from '../pipeline/details.ts';
import { extractedFrom } from '../pipeline/extracted.ts';
import { withArtifacts, type CheckRecord } from '../pipeline/stages.ts';
import type { AcceptedType } from '../pipeline/types.ts';
import type { StagePool } from './pool.ts';
import { settleSafely, type SettleDeps } from '../services/settlement.ts';
import type { JobAttempt } from './queue/index.ts';

export interface RunnerDeps extends SettleDeps {
  blobs: BlobStore;
  pool: StagePool;
  config: SettleDeps['config'] & Pick<Config, 'limits' | 'faults'>;
}

const WORKER_NAME = `${os.hostname()}:${process.pid}`;
const SYSTEM = { type: 'system' } as const;

export type RunOutcome = 'processed' | 'failed' | 'skipped';

export async function processDocument(deps: RunnerDeps, documentId: string, attempt: JobAttempt): Promise<RunOutcome> {
  const { prisma } = deps.db;
  const document = await documents.get(prisma, documentId);
  if (!document || document.status === 'processed' || document.status === 'failed') {
    log.debug('job skipped: document missing or finished', { documentId, status: document?.status });
    return 'skipped';
  }

  const run = await prisma.$transaction(async (tx) => {
    // The row lock numbers concurrent runs of one document one after the other.
    if (!(await documents.start(tx, documentId))) return undefined; // finished while we waited for the lock
    return runs.open(tx, { applicationId: document.applicationId, documentId, worker: WORKER_NAME });
  });
  if (!run) return 'skipped';

  let checks: CheckRecord[];
  try {
    const bytes = await deps.blobs.get(document.storageKey);
    if (createHash('sha256').update(bytes).digest('hex') !== document.sha256) {
      throw new Error('stored file does not match its checksum');
    }
    checks = await deps.pool.run({
      type: 'process',
      document: { kind: document.kind, contentType: document.contentType as AcceptedType, bytes },
      limits: deps.config.limits,
      now: deps.config.now().toISOString(),
      faults: deps.config.faults,
    });
  } catch (error) {
    checks = [
      {
        stage: 'pipeline',
        outcome: 'error',
        reasonCode: 'stage_crashed',
        details: { stage: 'pipeline', detail: errorMessage(error) },
        durationMs: 0,
      },
    ];
  }
  // A crashed stage is a failed attempt: retried while attempts remain, then
  // stored as it is, so the rules send the application to a reviewer (stage_failed).
  const crashed = checks.filter((check) => check.outcome === 'error');
  if (crashed.length === 0)
    return finish(deps, document.applicationId, documentId, run.id, checks, 'processed', document.kind);
  const error = crashed
    .map((check) => `${check.details.stage ?? check.stage}: ${check.details.detail ?? check.reasonCode}`)
    .join('; ');
  await runs.fail(prisma, run.id, error);
  if (!attempt.final) throw new StageCrashError(error);
  return finish(deps, document.applicationId, documentId, run.id, checks, 'failed', document.kind);
}

/** Thrown so the queue counts the attempt as failed and retries it with backoff. */
class StageCrashError extends Error {}

async function finish(
  deps: RunnerDeps,
  applicationId: string,
  documentId: string,
  runId: string,
  checks: CheckRecord[],
  status: 'processed' | 'failed',
  kind: DocumentKind,
): Promise<RunOutcome> {
  const firstPage = detailsOf(checks, 'normalize')?.pages?.[0];
  const stored = await storeArtifacts(deps.blobs, documentId, checks);
  const committed = await deps.db.prisma.$transaction(async (tx) => {
    // Whoever finishes first wins; a duplicate run that gets here later stores nothing.
    const extracted = extractedFrom(checks);
    const claimed = await documents.finish(tx, documentId, {
      status,
      ...(firstPage ? { size: { width: firstPage.width, height: firstPage.height } } : {}),
      ...(Object.keys(extracted).length ? { extracted: extracted as Json } : {}),
    });
    if (!claimed) return false;
    // Runs still marked running belong to workers that died mid-job, or lost this race.
    await runs.interruptOthers(tx, documentId, runId, 'superseded: its worker stopped, or another run finished first');
    await runs.complete(
      tx,
      { id: runId, documentId },
      stored.map((check) => ({ ...check, details: check.details as Json })),
      status === 'processed',
    );
    const { organizationId } = await applications.get(tx, applicationId);
    await recordAudit(tx, {
      actor: SYSTEM,
      action: `document.${status}`,
      entityType: 'Document',
      entityId: documentId,
      organizationId,
      data: { runId, checks: checks.map(({ stage, outcome, reasonCode }) => ({ stage, outcome, reasonCode })) },
    });
    return true;
  });
  if (committed) {
    for (const check of checks)
      stageDuration.observe({ stage: check.stage, kind, outcome: check.outcome }, check.durationMs / 1000);
    documentsProcessed.inc({ kind, result: status });
    await settleSafely(deps, applicationId);
  }
  if (!committed) {
    await runs.interrupt(deps.db.prisma, runId, 'another run finished this document first');
    return 'skipped';
  }
  return status;
}

/**
 * Face crops and other images the stages kept for reviewers: encrypted like the
 * upload, named after the document, and referred to from the check's details.
 */
async function storeArtifacts(blobs: BlobStore, documentId: string, checks: CheckRecord[]): Promise<CheckRecord[]> {
  return Promise.all(
    checks.map(async (check) => {
      const { artifacts } = check;
      if (!artifacts) return check;
      const keys: Record<string, string> = {};
      for (const [name, bytes] of Object.entries(artifacts)) {
        keys[name] = `${documentId}.${name}`;
        await blobs.put(keys[name], bytes);
      }
      return withArtifacts(check, keys);
    }),
  );
}
