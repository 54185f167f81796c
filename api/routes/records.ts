// Read side: a document's metadata, checks and face crops, an account's
// applications, and the applicant's notifications (with their read state);
// erasure of an applicant on request. All within the caller's organisation.
import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { eraseAccount } from '../../db/erasure.ts';
import { ARTIFACT_NAMES } from '../../pipeline/artifacts.ts';
import { actorOf, allow, auditStaffRead, ownedBy } from '../auth.ts';
import { parse } from '../errors.ts';
import { IdParamSchema } from '../schemas.ts';
import {
  AccountApplicationsView,
  applicationSummary,
  documentInclude,
  documentView,
  ErasureView,
  NotificationListView,
  notificationView,
} from '../../services/views.ts';
import type { ApiDeps } from '../app.ts';

export const NotificationQuerySchema = z.object({ unread: z.enum(['true', 'false']).optional() });
export const ArtifactParamSchema = IdParamSchema.extend({ name: z.enum(ARTIFACT_NAMES) });

export function recordsRouter(deps: ApiDeps): Router {
  const { prisma } = deps.db;
  const router = Router();

  router.get('/documents/:id', async (req, res) => {
    const { id } = parse(IdParamSchema, req.params);
    const document = await prisma.document.findFirst({
      where: { id, application: ownedBy(res) },
      include: { ...documentInclude, application: { select: { organizationId: true } } },
    });
    if (!document) throw new AppError('not_found', { entity: 'Document' });
    await auditStaffRead(prisma, res, { type: 'Document', id, organizationId: document.application.organizationId });
    res.json(documentView(document));
  });

  // Face crops the pipeline kept (portrait, selfie), for reviewers; decrypted on the way out, audited.
  router.get('/documents/:id/artifacts/:name', allow('reviewer', 'admin'), async (req, res) => {
    const { id, name } = parse(ArtifactParamSchema, req.params);
    const document = await prisma.document.findFirst({
      where: { id, application: ownedBy(res) },
      select: { application: { select: { organizationId: true } }, checks: { select: { details: true } } },
    });
    const keys = document?.checks.map(
      (check) => (check.details as { artifacts?: Partial<Record<string, string>> } | null)?.artifacts ?? {},
    );
    const key = keys?.map((artifacts) => (Object.hasOwn(artifacts, name) ? artifacts[name] : undefined)).find(Boolean);
    if (!document || !key) throw new AppError('not_found', { entity: 'Artifact' });
    const bytes = await deps.blobs.get(key);
    await auditStaffRead(prisma, res, {
      type: 'Document',
      id,
      organizationId: document.application.organizationId,
      action: 'document.artifact_viewed',
      data: { name },
    });
    // Pages are JPEG, face crops PNG.
    res.type(bytes[0] === 0xff && bytes[1] === 0xd8 ? 'image/jpeg' : 'image/png').send(bytes);
  });

  router.get('/accounts/:id/applications', async (req, res) => {
    const { id } = parse(IdParamSchema, req.params);
    const account = await prisma.account.findFirst({
      where: { id, ...ownedBy(res) },
      include: { applications: { orderBy: { createdAt: 'desc' } } },
    });
    if (!account) throw new AppError('not_found', { entity: 'Account' });
    await auditStaffRead(prisma, res, { type: 'Account', id, organizationId: account.organizationId });
    res.json(
      AccountApplicationsView.parse({
        accountId: account.id,
        applications: account.applications.map(applicationSummary),
      }),
    );
  });

  router.get('/accounts/:id/notifications', async (req, res) => {
    const { id } = parse(IdParamSchema, req.params);
    const { unread } = parse(NotificationQuerySchema, req.query);
    const account = await prisma.account.findFirst({
      where: { id, ...ownedBy(res) },
      select: { id: true, organizationId: true },
    });
    if (!account) throw new AppError('not_found', { entity: 'Account' });
    await auditStaffRead(prisma, res, { type: 'Account', id, organizationId: account.organizationId });
    const notifications = await prisma.notification.findMany({
      where: { accountId: id, ...(unread === 'true' ? { readAt: null } : {}) },
      orderBy: { createdAt: 'desc' },
      take: 200,
    });
    res.json(NotificationListView.parse({ accountId: id, notifications: notifications.map(notificationView) }));
  });

  router.post('/notifications/:id/read', allow('portal', 'admin'), async (req, res) => {
    const { id } = parse(IdParamSchema, req.params);
    const found = await prisma.notification.findFirst({ where: { id, ...ownedBy(res) } });
    if (!found) throw new AppError('not_found', { entity: 'Notification' });
    const notification = found.readAt
      ? found
      : await prisma.notification.update({ where: { id }, data: { readAt: new Date() } });
    res.json(notificationView(notification));
  });

  // Erasure on request: scans, crops, read fields and names go; verdicts, reason codes and the audit trail stay.
  router.delete('/accounts/:id', allow('portal', 'admin'), async (req, res) => {
    const { id } = parse(IdParamSchema, req.params);
    const account = await prisma.account.findFirst({
      where: { id, ...ownedBy(res), erasedAt: null },
      select: { id: true },
    });
    if (!account) throw new AppError('not_found', { entity: 'Account' });
    const erased = await eraseAccount(deps, id, { actor: actorOf(res), reason: 'request' });
    res.json(ErasureView.parse(erased));
  });

  return router;
}
