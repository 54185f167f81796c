// Read side: a document's metadata and checks, an account's applications, and
// the applicant's notifications (with their read state).
import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { allow } from '../auth.ts';
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
