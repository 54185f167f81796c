// Personal data lifecycle: erasure on request and after retention. What goes:
// the scans and face crops (blobs), the fields read from documents, check
// details, names and numbers in reasons, comments, notifications and webhook
// payloads, and the applicant's profile. What stays: statuses, verdicts,
// reason codes, scores, timestamps and the pseudonymous audit trail.
import { AppError } from '../core/errors.ts';
import { errorMessage, log } from '../core/log.ts';
import { reasonEntry, REASONS, type ReasonCode, type ReasonEntry } from '../core/reasons.ts';
import * as accounts from '../db/accounts.ts';
import * as applications from '../db/applications.ts';
import { recordAudit, type Actor } from '../db/audit.ts';
import type { BlobStore } from '../db/blob-store.ts';
import type { Client, Json } from '../db/client.ts';
import * as documents from '../db/documents.ts';
import type { Database } from '../db/index.ts';
import * as livenessSessions from '../db/liveness-sessions.ts';
import * as notifications from '../db/notifications.ts';
import * as reviews from '../db/reviews.ts';
import * as runs from '../db/runs.ts';
import * as statusHistory from '../db/status-history.ts';
import * as deliveries from '../db/webhook-deliveries.ts';
import { Prisma as PrismaNs } from '../generated/prisma/client.ts';
import { readCheck } from '../pipeline/details.ts';

export interface ErasureDeps {
  db: Database;
  blobs: BlobStore;
}

export interface ErasureOptions {
  actor: Actor;
  reason: 'request' | 'retention';
}

/** What the erasure of one application removes in the database; the blobs go after the commit. */
async function eraseApplicationRows(tx: Client, applicationId: string, options: ErasureOptions): Promise<string[]> {
  const application = await applications.lockForErasure(tx, applicationId);
  if (application.documents.some((d) => d.status === 'received' || d.status === 'processing'))
    throw new AppError('erasure_blocked');
  const blobs = application.documents.flatMap((document) => [
    document.storageKey,
    ...document.checks.flatMap((check) => Object.values(readCheck(check).details.artifacts ?? {})),
  ]);
  // Reasons keep their code and the message without its parameters (which may hold names and numbers).
  const bare = (entries: unknown): ReasonEntry[] =>
    (entries as { code: string }[])
      .filter((entry) => entry.code in REASONS)
      .map((entry) => reasonEntry(entry.code as ReasonCode));
  await documents.eraseOfApplication(tx, applicationId);
  await runs.eraseOfApplication(tx, applicationId);
  await livenessSessions.eraseOfApplication(tx, applicationId);
  await statusHistory.eraseOfApplication(tx, applicationId);
  await reviews.eraseOfApplication(tx, applicationId);
  await notifications.eraseOfApplication(tx, applicationId);
  await deliveries.eraseOfApplication(tx, applicationId);
  await applications.update(tx, applicationId, {
    reasons: bare(application.reasons) as unknown as Json,
    missingDocuments: (application.missingDocuments as { kind: string; reasonCode: string }[]).map(
      ({ kind, reasonCode }) => ({ kind, reasonCode }),
    ),
    registryChecks: PrismaNs.DbNull,
    erasedAt: new Date(),
  });
  await recordAudit(tx, {
    actor: options.actor,
    action: 'application.erased',
    entityType: 'Application',
    entityId: applicationId,
    organizationId: application.organizationId,
    data: { reason: options.reason, documents: application.documents.length },
  });
  return blobs;
}

async function removeBlobs(blobs: BlobStore, keys: string[]): Promise<void> {
  for (const key of keys) {
    // A blob that cannot be removed now is an orphan the blob sweep removes later.
    await blobs
      .delete(key)
      .catch((error: unknown) => log.warn('could not remove an erased blob', { key, error: errorMessage(error) }));
  }
}

/** Erases an applicant and every application of theirs (refused while a document is still being processed). */
export async function eraseAccount(
  deps: ErasureDeps,
  accountId: string,
  options: ErasureOptions,
): Promise<{ accountId: string; applications: number }> {
  const { keys, count } = await deps.db.prisma.$transaction(async (tx) => {
    const account = await accounts.lockWithApplications(tx, accountId);
    const keys: string[] = [];
    for (const application of account.applications) {
      if (!application.erasedAt) keys.push(...(await eraseApplicationRows(tx, application.id, options)));
    }
    await accounts.eraseProfile(tx, accountId);
    await notifications.eraseOfAccount(tx, accountId);
    await recordAudit(tx, {
      actor: options.actor,
      action: 'account.erased',
      entityType: 'Account',
      entityId: accountId,
      organizationId: account.organizationId,
      data: { reason: options.reason },
    });
    return { keys, count: account.applications.length };
  });
  await removeBlobs(deps.blobs, keys);
  return { accountId, applications: count };
}

/**
 * Retention: applications decided (approved or rejected) more than `days` ago
 * are erased; an applicant whose applications are all erased is erased too.
 */
export async function eraseExpired(
  deps: ErasureDeps,
  now: Date,
  days: number,
): Promise<{ applications: number; accounts: number }> {
  const { prisma } = deps.db;
  const due = await applications.decidedBefore(prisma, new Date(now.getTime() - days * 86_400_000));
  const actor: Actor = { type: 'system' };
  for (const { id } of due) {
    const keys = await prisma.$transaction((tx) => eraseApplicationRows(tx, id, { actor, reason: 'retention' }));
    await removeBlobs(deps.blobs, keys);
  }
  const erasable = await accounts.withAllApplicationsErased(prisma);
  for (const { id } of erasable) await eraseAccount(deps, id, { actor, reason: 'retention' });
  return { applications: due.length, accounts: erasable.length };
}
