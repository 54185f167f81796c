// Read side: a document's metadata, checks and face crops, an account's
// applications, and the applicant's notifications (with their read state).
import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { recordAudit } from '../../db/lifecycle.ts';
import { allow, caller } from '../auth.ts';
import { parse } from '../errors.ts';
import { IdParamSchema } from '../schemas.ts';
import { applicationSummary, documentInclude, documentView } from '../views.ts';
import type { ApiDeps } from '../app.ts';

export function recordsRouter(deps: ApiDeps): Router {
  const { prisma } = deps.db;
  const router = Router();

  router.get('/documents/:id', async (req, res) => {
    const { id } = parse(IdParamSchema, req.params);
    const document = await prisma.document.findUnique({ where: { id }, include: documentInclude });
    if (!document) throw new AppError('not_found', { entity: 'Document' });
    res.json(documentView(document));
  });

  // Face crops the pipeline kept (portrait, selfie), for reviewers; decrypted on the way out, audited.
  router.get('/documents/:id/artifacts/:name', allow('reviewer', 'admin'), async (req, res) => {
    const { id, name } = parse(IdParamSchema.extend({ name: z.string().regex(/^[a-z_]+$/) }), req.params);
    const checks = await prisma.checkResult.findMany({ where: { documentId: id }, select: { details: true } });
    const key = checks.map((check) => (check.details as { artifacts?: Record<string, string> }).artifacts?.[name]).find(Boolean);
    if (!key) throw new AppError('not_found', { entity: 'Artifact' });
    const bytes = await deps.blobs.get(key);
    await recordAudit(prisma, { type: 'reviewer', id: caller(res).id }, 'document.artifact_viewed', 'Document', id, { name });
    res.type('image/png').set('Cache-Control', 'no-store').send(bytes);
  });

  router.get('/accounts/:id/applications', async (req, res) => {
    const { id } = parse(IdParamSchema, req.params);
    const account = await prisma.account.findUnique({
      where: { id },
      include: { applications: { orderBy: { createdAt: 'desc' } } },
    });
    if (!account) throw new AppError('not_found', { entity: 'Account' });
    res.json({ accountId: account.id, applications: account.applications.map(applicationSummary) });
  });

  router.get('/accounts/:id/notifications', async (req, res) => {
    const { id } = parse(IdParamSchema, req.params);
    const { unread } = parse(z.object({ unread: z.enum(['true', 'false']).optional() }), req.query);
    const notifications = await prisma.notification.findMany({
      where: { accountId: id, ...(unread === 'true' ? { readAt: null } : {}) },
      orderBy: { createdAt: 'desc' },
      take: 200,
    });
    res.json({ accountId: id, notifications });
  });

  router.post('/notifications/:id/read', allow('portal', 'admin'), async (req, res) => {
    const { id } = parse(IdParamSchema, req.params);
    const found = await prisma.notification.findUnique({ where: { id } });
    if (!found) throw new AppError('not_found', { entity: 'Notification' });
    const notification = found.readAt ? found : await prisma.notification.update({ where: { id }, data: { readAt: new Date() } });
    res.json(notification);
  });

  return router;
}
