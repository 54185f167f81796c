// Applications and their document uploads, within the caller's organisation.
import { Router } from 'express';
import multer from 'multer';
import { AppError } from '../../core/errors.ts';
import { createApplication, uploadDocument } from '../../services/applications.ts';
import { allow, auditStaffRead, callerOf, ownedBy } from '../auth.ts';
import { parse, uploadRateLimit } from '../errors.ts';
import { CreateApplicationSchema, IdParamSchema, UploadFieldsSchema } from '../schemas.ts';
import { applicationSummary, applicationView, uploadAccepted } from '../../services/views.ts';
import { findWithDocuments } from '../../db/applications.ts';
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
  const uploadLimit = uploadRateLimit(deps.config.http.uploadsPerMinute);

  router.post('/', allow('portal', 'admin'), async (req, res) => {
    const application = await createApplication(deps, callerOf(res), parse(CreateApplicationSchema, req.body));
    res.status(201).location(`/v1/applications/${application.id}`).json(applicationSummary(application));
  });

  router.get('/:id', async (req, res) => {
    const { id } = parse(IdParamSchema, req.params);
    const application = await findWithDocuments(prisma, id, ownedBy(res));
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
      const accepted = await uploadDocument(deps, callerOf(res), {
        applicationId: id,
        kind,
        file: { bytes: file.buffer, originalName: file.originalname, declaredType: file.mimetype },
      });
      res.status(202).location(`/v1/documents/${accepted.documentId}`).json(uploadAccepted(accepted));
    },
  );

  return router;
}
