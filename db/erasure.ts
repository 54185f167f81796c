// Personal data lifecycle: erasure on request and after retention. What goes:
// the scans and face crops (blobs), the fields read from documents, check
// details, names and numbers in reasons, comments, notifications and webhook
// payloads, and the applicant's profile. What stays: statuses, verdicts,
// reason codes, scores, timestamps and the pseudonymous audit trail.
import type { BlobStore } from './blob-store.ts';
import type { Database } from './index.ts';
import { recordAudit, type Actor } from './audit.ts';
import { AppError } from '../core/errors.ts';
import { errorMessage, log } from '../core/log.ts';
import { reasonEntry, REASONS, type ReasonCode, type ReasonEntry } from '../core/reasons.ts';
import { Prisma as PrismaNs } from '../generated/prisma/client.ts';
import { lockRow } from './row-locks.ts';

export interface ErasureDeps {
  db: Database;
  blobs: BlobStore;
}

export interface ErasureOptions {
  actor: Actor;
  reason: 'request' | 'retention';
}

/** What the erasure of one application removes in the database; the blobs go after the commit. */
async function eraseApplicationRows(
  tx: PrismaNs.TransactionClient,
  applicationId: string,
  options: ErasureOptions,
): Promise<string[]> {
  const application = await tx.application.findUniqueOrThrow({
    where: { id: applicationId },
    include: {
      documents: { select: { id: true, status: true, storageKey: true, checks: { select: { details: true } } } },
    },
  });
  if (application.documents.some((d) => d.status === 'received' || d.status === 'processing'))
    throw new AppError('erasure_blocked');
  const blobs = application.documents.flatMap((document) => [
    document.storageKey,
    ...document.checks.flatMap((check) =>
      Object.values((check.details as { artifacts?: Record<string, string> } | null)?.artifacts ?? {}),
    ),
  ]);
  // Reasons keep their code and the message without its parameters (which may hold names and numbers).
  const bare = (entries: unknown): ReasonEntry[] =>
    (entries as { code: string }[])
      .filter((entry) => entry.code in REASONS)
      .map((entry) => reasonEntry(entry.code as ReasonCode));
  const where = { applicationId };
  await tx.document.updateMany({ where, data: { extracted: PrismaNs.DbNull, originalName: null, declaredType: null } });
  await tx.checkResult.updateMany({ where: { document: { applicationId } }, data: { details: {} } });
  // A liveness session keeps its status and reason; its judgement and the hashes of its frames go.
  await tx.livenessSession.updateMany({ where, data: { result: PrismaNs.DbNull, frameHashes: [] } });
  await tx.verificationRun.updateMany({ where, data: { error: null } });
  await tx.applicationStatusHistory.updateMany({ where, data: { reason: 'erased' } });
  await tx.review.updateMany({ where, data: { comment: null } });
  await tx.notification.updateMany({ where, data: { payload: { erased: true } } });
  await tx.webhookDelivery.updateMany({
    where: { notification: { applicationId }, status: 'pending' },
    data: { status: 'failed', lastError: 'erased before delivery' },
  });
  await tx.webhookDelivery.updateMany({
    where: { notification: { applicationId } },
    data: { payload: { erased: true } },
  });
  await tx.application.update({
    where: { id: applicationId },
    data: {
      reasons: bare(application.reasons) as unknown as PrismaNs.InputJsonValue,
      missingDocuments: (application.missingDocuments as { kind: string; reasonCode: string }[]).map(
        ({ kind, reasonCode }) => ({ kind, reasonCode }),
      ),
      registryChecks: PrismaNs.DbNull,
      erasedAt: new Date(),
    },
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
  const { keys, applications } = await deps.db.prisma.$transaction(async (tx) => {
    await lockRow(tx, 'Account', accountId);
    const account = await tx.account.findUniqueOrThrow({
      where: { id: accountId },
      include: { applications: { select: { id: true, erasedAt: true } } },
    });
    const keys: string[] = [];
    for (const application of account.applications) {
      await lockRow(tx, 'Application', application.id);
      if (!application.erasedAt) keys.push(...(await eraseApplicationRows(tx, application.id, options)));
    }
    await eraseProfile(tx, accountId);
    await tx.notification.updateMany({ where: { accountId }, data: { payload: { erased: true } } });
    await recordAudit(tx, {
      actor: options.actor,
      action: 'account.erased',
      entityType: 'Account',
      entityId: accountId,
      organizationId: account.organizationId,
      data: { reason: options.reason },
    });
    return { keys, applications: account.applications.length };
  });
  await removeBlobs(deps.blobs, keys);
  return { accountId, applications };
}

async function eraseProfile(tx: PrismaNs.TransactionClient, accountId: string): Promise<void> {
  await tx.account.update({
    where: { id: accountId },
    data: {
      surnameLatin: 'ERASED',
      givenNamesLatin: 'ERASED',
      surnameCyrillic: null,
      givenNamesCyrillic: null,
      dateOfBirth: new Date('1900-01-01T00:00:00Z'),
      sex: 'X',
      citizenship: 'XXX',
      email: null,
      phone: null,
      inn: null,
      snils: null,
      erasedAt: new Date(),
    },
  });
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
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const due = await prisma.application.findMany({
    where: { status: { in: ['approved', 'rejected'] }, decidedAt: { lt: cutoff }, erasedAt: null },
    select: { id: true },
    take: 200,
  });
  const actor: Actor = { type: 'system' };
  for (const { id } of due) {
    const keys = await prisma.$transaction(async (tx) => {
      await lockRow(tx, 'Application', id);
      return eraseApplicationRows(tx, id, { actor, reason: 'retention' });
    });
    await removeBlobs(deps.blobs, keys);
  }
  const accounts = await prisma.account.findMany({
    where: { erasedAt: null, applications: { some: {}, every: { erasedAt: { not: null } } } },
    select: { id: true },
    take: 200,
  });
  for (const { id } of accounts) await eraseAccount(deps, id, { actor, reason: 'retention' });
  return { applications: due.length, accounts: accounts.length };
}
