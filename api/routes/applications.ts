// Applications and their document uploads, within the caller's organisation.
import { createHash, randomUUID } from 'node:crypto';
import { Router } from 'express';
import multer from 'multer';
import { AppError } from '../../core/errors.ts';
import { acceptsDocuments } from '../../core/lifecycle.ts';
import { errorMessage, log } from '../../core/log.ts';
import { withTimeout } from '../../core/timeout.ts';
import { recordAudit } from '../../db/audit.ts';
import { transition } from '../../db/lifecycle.ts';
import { notify } from '../../db/notifications.ts';
import { DEFAULT_ORGANIZATION_ID } from '../../db/organizations.ts';
import { actorOf, allow, auditStaffRead, caller, ownedBy } from '../auth.ts';
import { parse, uploadRateLimit } from '../errors.ts';
import { CreateApplicationSchema, IdParamSchema, UploadFieldsSchema } from '../schemas.ts';
import { applicationInclude, applicationSummary, applicationView, uploadAccepted } from '../views.ts';
import type { ApiDeps } from '../app.ts';

/** Room for the multipart envelope and the form fields around the file. */
const MULTIPART_OVERHEAD = 64 * 1024;
/** An upload is answered within this even when the queue is down: the sweeper enqueues it later. */
const ENQUEUE_TIMEOUT_MS = 500;
// Control characters (NUL included) have no place in a file name, and PostgreSQL refuses NUL.
// eslint-disable-next-line no-control-regex
const BAD_FILE_NAME = /[\u0000-\u001f\u007f]/;

export function applicationsRouter(deps: ApiDeps): Router {
  const { prisma } = deps.db;
  const { limits } = deps.config;
  const router = Router();
  const upload = multer({
    storage: multer.memoryStorage(),
    // busboy stops reading at fileSize: memory use is bounded whatever is sent.
    limits: { fileSize: limits.maxUploadBytes, files: 1, fields: 8, fieldSize: 1024, parts: 10 },
  }).single('file');
  const uploadLimit = uploadRateLimit(deps.config.http.uploadsPerMinute);

  router.post('/', allow('portal', 'admin'), async (req, res) => {
    const body = parse(CreateApplicationSchema, req.body);
    const client = caller(res);
    const actor = actorOf(res);
    const application = await prisma.$transaction(async (tx) => {
      let accountId: string;
      // Admin keys are global: an application joins its account's organisation, a new applicant the default one.
      let organizationId = client.organizationId ?? DEFAULT_ORGANIZATION_ID;
      if ('accountId' in body) {
        const account = await tx.account.findFirst({ where: { id: body.accountId, ...ownedBy(res), erasedAt: null } });
        if (!account) throw new AppError('not_found', { entity: 'Account' }, 'accountId');
        accountId = account.id;
        organizationId = account.organizationId;
      } else {
        accountId = (await tx.account.create({ data: { ...body.applicant, organizationId } })).id;
        await recordAudit(tx, {
          actor,
          action: 'account.created',
          entityType: 'Account',
          entityId: accountId,
          organizationId,
        });
      }
      const created = await tx.application.create({
        data: { organizationId, accountId, serviceType: body.serviceType, createdById: client.id },
      });
      await tx.applicationStatusHistory.create({
        data: {
          applicationId: created.id,
          toStatus: created.status,
          actorType: actor.type,
          actorId: client.id,
          reason: 'created',
        },
      });
      await recordAudit(tx, {
        actor,
        action: 'application.created',
        entityType: 'Application',
        entityId: created.id,
        organizationId,
        data: { serviceType: body.serviceType },
      });
      return created;
    });
    res.status(201).location(`/v1/applications/${application.id}`).json(applicationSummary(application));
  });

  router.get('/:id', async (req, res) => {
    const { id } = parse(IdParamSchema, req.params);
    const application = await prisma.application.findFirst({
      where: { id, ...ownedBy(res) },
      include: applicationInclude,
    });
    if (!application) throw new AppError('not_found', { entity: 'Application' });
    await auditStaffRead(prisma, res, { type: 'Application', id, organizationId: application.organizationId });
    res.json(applicationView(application));
  });

  router.post(
    '/:id/documents',
    allow('portal', 'admin'),
    uploadLimit,
    (req, _res, next) => {
      // Refuse a declared oversize body before reading any of it.
      if (Number(req.get('content-length') ?? 0) > limits.maxUploadBytes + MULTIPART_OVERHEAD) {
        throw new AppError('file_too_large', { limitMb: (limits.maxUploadBytes / 2 ** 20).toFixed(0) }, 'file');
      }
      next();
    },
    upload,
    async (req, res) => {
      const { id } = parse(IdParamSchema, req.params);
      const { kind } = parse(UploadFieldsSchema, req.body ?? {});
      const file = req.file;
      if (!file) throw new AppError('file_missing', {}, 'file');
      if (BAD_FILE_NAME.test(file.originalname) || file.originalname.length > 255)
        throw new AppError('file_name_invalid', {}, 'file');
      const application = await prisma.application.findFirst({ where: { id, ...ownedBy(res) } });
      if (!application) throw new AppError('not_found', { entity: 'Application' });
      if (!acceptsDocuments(application.status))
        throw new AppError('application_closed', { status: application.status });

      const inspected = await deps.pool.run({ type: 'inspect', bytes: file.buffer, limits });
      if (!inspected.ok) throw new AppError(inspected.reasonCode, inspected.params, 'file');

      // Stored and recorded before we answer: a 202 is a promise that nothing is lost.
      const documentId = randomUUID();
      const { organizationId } = application;
      const actor = actorOf(res);
      await deps.blobs.put(documentId, file.buffer);
      try {
        await prisma.$transaction(async (tx) => {
          await tx.document.create({
            data: {
              id: documentId,
              applicationId: id,
              kind,
              originalName: file.originalname,
              declaredType: file.mimetype.slice(0, 100),
              contentType: inspected.contentType,
              sizeBytes: file.size,
              pageCount: inspected.pageCount,
              width: inspected.width,
              height: inspected.height,
              sha256: createHash('sha256').update(file.buffer).digest('hex'),
              storageKey: documentId,
            },
          });
          await recordAudit(tx, {
            actor,
            action: 'document.uploaded',
            entityType: 'Document',
            entityId: documentId,
            organizationId,
            data: { applicationId: id, kind, contentType: inspected.contentType, sizeBytes: file.size },
          });
          await notify(tx, {
            organizationId,
            accountId: application.accountId,
            applicationId: id,
            type: 'document_received',
            payload: { documentId, kind },
          });
          const { status } = await tx.application.findUniqueOrThrow({ where: { id } });
          if (!acceptsDocuments(status)) throw new AppError('application_closed', { status });
          if (status !== 'processing') {
            await transition(tx, id, { to: 'processing', actor, reason: `document uploaded: ${kind}` });
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
      res
        .status(202)
        .location(`/v1/documents/${documentId}`)
        .json(uploadAccepted({ documentId, applicationId: id, kind, contentType: inspected.contentType }));
    },
  );

  return router;
}
