// Read side: a document's metadata, checks and face crops, an account's
// applications, and the applicant's notifications (with their read state);
// erasure of an applicant on request. All within the caller's organisation.
import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { eraseAccount } from '../../services/erasure.ts';
import { ARTIFACT_NAMES } from '../../pipeline/artifacts.ts';
import { readCheck } from '../../pipeline/details.ts';
import { actorOf, allow, auditStaffRead, ownedBy } from '../auth.ts';
import { parse } from '../errors.ts';
import { IdParamSchema } from '../schemas.ts';
import * as accounts from '../../db/accounts.ts';
import * as documents from '../../db/documents.ts';
import * as notifications from '../../db/notifications.ts';
import {
  AccountApplicationsView,
  applicationSummary,
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
    const document = await documents.findInScope(prisma, id, ownedBy(res));
    if (!document) throw new AppError('not_found', { entity: 'Document' });
    await auditStaffRead(prisma, res, { type: 'Document', id, organizationId: document.application.organizationId });
    res.json(documentView(document));
  });

  // Face crops the pipeline kept (portrait, selfie), for reviewers; decrypted on the way out, audited.
  router.get('/documents/:id/artifacts/:name', allow('reviewer', 'admin'), async (req, res) => {
    const { id, name } = parse(ArtifactParamSchema, req.params);
    const document = await documents.findInScope(prisma, id, ownedBy(res));
    const keys = document?.runs.flatMap((run) => run.checks).map((check) => readCheck(check).details.artifacts ?? {});
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
    const account = await accounts.findWithApplications(prisma, id, ownedBy(res));
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
    const account = await accounts.findInScope(prisma, id, ownedBy(res));
    if (!account) throw new AppError('not_found', { entity: 'Account' });
    await auditStaffRead(prisma, res, { type: 'Account', id, organizationId: account.organizationId });
    const unreadOnly = unread === 'true';
    const list = await notifications.ofAccount(prisma, id, unreadOnly);
    res.json(NotificationListView.parse({ accountId: id, notifications: list.map(notificationView) }));
  });

  router.post('/notifications/:id/read', allow('portal', 'admin'), async (req, res) => {
    const { id } = parse(IdParamSchema, req.params);
    const found = await notifications.find(prisma, id, ownedBy(res));
    if (!found) throw new AppError('not_found', { entity: 'Notification' });
    const notification = found.readAt ? found : await notifications.markRead(prisma, id);
    res.json(notificationView(notification));
  });

  // Erasure on request: scans, crops, read fields and names go; verdicts, reason codes and the audit trail stay.
  router.delete('/accounts/:id', allow('portal', 'admin'), async (req, res) => {
    const { id } = parse(IdParamSchema, req.params);
    const account = await accounts.findLive(prisma, id, ownedBy(res));
    if (!account) throw new AppError('not_found', { entity: 'Account' });
    const erased = await eraseAccount(deps, id, { actor: actorOf(res), reason: 'request' });
    res.json(ErasureView.parse(erased));
  });

  return router;
}
