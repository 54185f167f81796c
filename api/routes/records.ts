// Read side: a document's metadata and checks, an account's applications.
import { Router } from 'express';
import { AppError } from '../../core/errors.ts';
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

  return router;
}
