// Applications and their document uploads.
import { createHash, randomUUID } from 'node:crypto';
import { Router } from 'express';
import multer from 'multer';
import { AppError } from '../../core/errors.ts';
import { acceptsDocuments } from '../../core/lifecycle.ts';
import { errorMessage, log } from '../../core/log.ts';
import { recordAudit, transition } from '../../db/lifecycle.ts';
import { allow, caller } from '../auth.ts';
import { parse } from '../errors.ts';
import { CreateApplicationSchema, IdParamSchema, UploadFieldsSchema } from '../schemas.ts';
import { applicationInclude, applicationSummary, applicationView } from '../views.ts';
import type { ApiDeps } from '../app.ts';

/** Room for the multipart envelope and the form fields around the file. */
const MULTIPART_OVERHEAD = 64 * 1024;

export function applicationsRouter(deps: ApiDeps): Router {
  const { prisma } = deps.db;
  const { limits } = deps.config;
  const router = Router();
  const upload = multer({
    storage: multer.memoryStorage(),
    // busboy stops reading at fileSize: memory use is bounded whatever is sent.
    limits: { fileSize: limits.maxUploadBytes, files: 1, fields: 8, fieldSize: 1024, parts: 10 },
  }).single('file');

  router.post('/', allow('portal', 'admin'), async (req, res) => {
    const body = parse(CreateApplicationSchema, req.body);
    const client = caller(res);
    const actor = { type: 'client', id: client.id } as const;
    const application = await prisma.$transaction(async (tx) => {
      let accountId: string;
      if ('accountId' in body) {
        const account = await tx.account.findUnique({ where: { id: body.accountId } });
        if (!account) throw new AppError('not_found', { entity: 'Account' }, 'accountId');
        accountId = account.id;
      } else {
        accountId = (await tx.account.create({ data: body.applicant })).id;
        await recordAudit(tx, actor, 'account.created', 'Account', accountId);
      }
      const created = await tx.application.create({
        data: { accountId, serviceType: body.serviceType, createdById: client.id },
      });
      await tx.applicationStatusHistory.create({
        data: { applicationId: created.id, toStatus: created.status, actorType: 'client', actorId: client.id, reason: 'created' },
      });
      await recordAudit(tx, actor, 'application.created', 'Application', created.id, { serviceType: body.serviceType });
      return created;
    });
    res.status(201).location(`/v1/applications/${application.id}`).json(applicationSummary(application));
  });

  router.get('/:id', async (req, res) => {
    const { id } = parse(IdParamSchema, req.params);
    const application = await prisma.application.findUnique({ where: { id }, include: applicationInclude });
    if (!application) throw new AppError('not_found', { entity: 'Application' });
    res.json(applicationView(application));
  });

  router.post(
    '/:id/documents',
    allow('portal', 'admin'),
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
      const application = await prisma.application.findUnique({ where: { id } });
      if (!application) throw new AppError('not_found', { entity: 'Application' });
      if (!acceptsDocuments(application.status)) throw new AppError('application_closed', { status: application.status });

      const inspected = await deps.pool.run({ type: 'inspect', bytes: file.buffer, limits });
      if (!inspected.ok) throw new AppError(inspected.reasonCode, inspected.params, 'file');

      // Stored and recorded before we answer: a 202 is a promise that nothing is lost.
      const documentId = randomUUID();
      await deps.blobs.put(documentId, file.buffer);
      const actor = { type: 'client', id: caller(res).id } as const;
      await prisma.$transaction(async (tx) => {
        await tx.document.create({
          data: {
            id: documentId,
            applicationId: id,
            kind,
            originalName: file.originalname.slice(0, 255),
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
        await recordAudit(tx, actor, 'document.uploaded', 'Document', documentId, {
          applicationId: id,
          kind,
          contentType: inspected.contentType,
          sizeBytes: file.size,
        });
        await tx.notification.create({
          data: { accountId: application.accountId, applicationId: id, type: 'document_received', payload: { documentId, kind } },
        });
        const { status } = await tx.application.findUniqueOrThrow({ where: { id } });
        if (!acceptsDocuments(status)) throw new AppError('application_closed', { status });
        if (status !== 'processing') {
          await transition(tx, id, { to: 'processing', actor, reason: `document uploaded: ${kind}` });
        }
      });
      try {
        await deps.queue.enqueue({ documentId });
      } catch (error) {
        log.warn('enqueue failed; the sweeper will enqueue the document', { documentId, error: errorMessage(error) });
      }
      const statusUrl = `/v1/documents/${documentId}`;
      res
        .status(202)
        .location(statusUrl)
        .json({
          documentId,
          applicationId: id,
          kind,
          contentType: inspected.contentType,
          status: 'received',
          statusUrl,
          applicationUrl: `/v1/applications/${id}`,
        });
    },
  );

  return router;
}
