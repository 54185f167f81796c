// The application flows: create one (with a new or an existing account), take
// a document upload, read one back. Routes and the corpus replay call these;
// each database write happens in one transaction with its audit event.
import { createHash, randomUUID } from 'node:crypto';
import type { Config } from '../core/config.ts';
import { AppError } from '../core/errors.ts';
import { acceptsDocuments } from '../core/lifecycle.ts';
import { errorMessage, log } from '../core/log.ts';
import { withTimeout } from '../core/timeout.ts';
import { recordAudit } from '../db/audit.ts';
import type { BlobStore } from '../db/blob-store.ts';
import type { Database } from '../db/index.ts';
import { transition } from './lifecycle.ts';
import * as accounts from '../db/accounts.ts';
import * as applications from '../db/applications.ts';
import * as documents from '../db/documents.ts';
import * as statusHistory from '../db/status-history.ts';
import { notify } from './notifications.ts';
import { DEFAULT_ORGANIZATION_ID } from '../db/organizations.ts';
import type { Prisma as PrismaNs } from '../generated/prisma/client.ts';
import type { DocumentKind, ServiceType } from '../generated/prisma/enums.ts';
import type { Caller } from './caller.ts';
import type { StagePool } from '../workers/pool.ts';
import type { JobQueue } from '../workers/queue/index.ts';

export interface ApplicationDeps {
  db: Database;
  blobs: BlobStore;
  pool: StagePool;
  queue: Pick<JobQueue, 'enqueue'>;
  config: Pick<Config, 'limits'>;
}

/** As validated at the edge: a new applicant's profile, or an existing account of the caller's organisation. */
export type NewApplication = { serviceType: ServiceType } & (
  { accountId: string } | { applicant: Omit<PrismaNs.AccountUncheckedCreateInput, 'organizationId'> }
);

/** An upload is answered within this even when the queue is down: the sweeper enqueues it later. */
const ENQUEUE_TIMEOUT_MS = 500;
// Control characters (NUL included) have no place in a file name, and PostgreSQL refuses NUL.
// eslint-disable-next-line no-control-regex
const BAD_FILE_NAME = /[\u0000-\u001f\u007f]/;

export async function createApplication(deps: Pick<ApplicationDeps, 'db'>, who: Caller, request: NewApplication) {
  return deps.db.prisma.$transaction(async (tx) => {
    let accountId: string;
    // Admin keys are global: an application joins its account's organisation, a new applicant the default one.
    let organizationId = who.organizationId ?? DEFAULT_ORGANIZATION_ID;
    if ('accountId' in request) {
      const account = await accounts.findLive(tx, request.accountId, who.scope);
      if (!account) throw new AppError('not_found', { entity: 'Account' }, 'accountId');
      accountId = account.id;
      organizationId = account.organizationId;
    } else {
      accountId = (await accounts.create(tx, { ...request.applicant, organizationId })).id;
      await recordAudit(tx, {
        actor: who.actor,
        action: 'account.created',
        entityType: 'Account',
        entityId: accountId,
        organizationId,
      });
    }
    const created = await applications.create(tx, {
      organizationId,
      accountId,
      serviceType: request.serviceType,
      createdById: who.clientId,
    });
    await statusHistory.record(tx, {
      applicationId: created.id,
      toStatus: created.status,
      actorType: who.actor.type,
      actorId: who.clientId,
      reason: 'created',
    });
    await recordAudit(tx, {
      actor: who.actor,
      action: 'application.created',
      entityType: 'Application',
      entityId: created.id,
      organizationId,
      data: { serviceType: request.serviceType },
    });
    return created;
  });
}

export interface Upload {
  applicationId: string;
  kind: DocumentKind;
  file: { bytes: Buffer; originalName: string; declaredType: string };
}

/**
 * Takes one document: intake in the pool (refusals are AppErrors with their
 * reason), then the blob and its row, stored before this returns — an accepted
 * upload is never lost — and finally the job, which may be late (the sweeper).
 */
export async function uploadDocument(deps: ApplicationDeps, who: Caller, upload: Upload) {
  const { prisma } = deps.db;
  const { applicationId, kind, file } = upload;
  if (BAD_FILE_NAME.test(file.originalName) || file.originalName.length > 255)
    throw new AppError('file_name_invalid', {}, 'file');
  const application = await applications.find(prisma, applicationId, who.scope);
  if (!application) throw new AppError('not_found', { entity: 'Application' });
  if (!acceptsDocuments(application.status)) throw new AppError('application_closed', { status: application.status });

  const inspected = await deps.pool.run({ type: 'inspect', bytes: file.bytes, limits: deps.config.limits });
  if (!inspected.ok) throw new AppError(inspected.reasonCode, inspected.params, 'file');

  const documentId = randomUUID();
  const { organizationId } = application;
  await deps.blobs.put(documentId, file.bytes);
  try {
    await prisma.$transaction(async (tx) => {
      await documents.create(tx, {
        id: documentId,
        applicationId,
        kind,
        originalName: file.originalName,
        declaredType: file.declaredType.slice(0, 100),
        contentType: inspected.contentType,
        sizeBytes: file.bytes.length,
        pageCount: inspected.pageCount,
        width: inspected.width,
        height: inspected.height,
        sha256: createHash('sha256').update(file.bytes).digest('hex'),
        storageKey: documentId,
      });
      await recordAudit(tx, {
        actor: who.actor,
        action: 'document.uploaded',
        entityType: 'Document',
        entityId: documentId,
        organizationId,
        data: { applicationId, kind, contentType: inspected.contentType, sizeBytes: file.bytes.length },
      });
      await notify(tx, {
        organizationId,
        accountId: application.accountId,
        applicationId,
        type: 'document_received',
        payload: { documentId, kind },
      });
      const { status } = await applications.get(tx, applicationId);
      if (!acceptsDocuments(status)) throw new AppError('application_closed', { status });
      if (status !== 'processing') {
        await transition(tx, applicationId, {
          to: 'processing',
          actor: who.actor,
          reason: `document uploaded: ${kind}`,
        });
      }
    });
  } catch (error) {
    // No row, no blob: a refused or failed upload leaves nothing behind.
    await deps.blobs
      .delete(documentId)
      .catch((cleanup: unknown) =>
        log.warn('could not remove the blob of a failed upload', { documentId, error: errorMessage(cleanup) }),
      );
    throw error;
  }
  try {
    await withTimeout(deps.queue.enqueue({ documentId }), ENQUEUE_TIMEOUT_MS, 'enqueue');
  } catch (error) {
    log.warn('enqueue failed; the sweeper will enqueue the document', { documentId, error: errorMessage(error) });
  }
  return { documentId, applicationId, kind, contentType: inspected.contentType };
}
