// The reviewer's side over HTTP: the queue, one case, the claim and the
// decision. Reviewers and admins only; the flow itself is services/reviews.ts.
import { Router } from 'express';
import { z } from 'zod';
import { claimReview, decideReview, reviewCase, reviewQueue } from '../../services/reviews.ts';
import { DocumentKind } from '../../generated/prisma/enums.ts';
import { actorOf, allow, auditStaffRead, caller, ownedBy } from '../auth.ts';
import { parse } from '../errors.ts';
import { IdParamSchema } from '../schemas.ts';
import { applicationSummary, claimView, ReviewQueueView } from '../../services/views.ts';
import type { ApiDeps } from '../app.ts';

export const QueueQuerySchema = z.object({
  reason: z
    .string()
    .regex(/^[a-z_]+$/)
    .optional(),
  olderThanMinutes: z.coerce.number().int().min(0).optional(),
});

export const DecisionSchema = z
  .object({
    decision: z.enum(['approve', 'reject', 'request_clarification']),
    comment: z.string().trim().min(1).max(2000),
    reasonCodes: z
      .array(z.string().regex(/^[a-z_]+$/))
      .max(20)
      .default([]),
    documents: z
      .array(z.object({ kind: z.enum(DocumentKind), message: z.string().trim().min(1).max(500) }))
      .max(4)
      .default([]),
  })
  .refine((body) => body.decision !== 'request_clarification' || body.documents.length > 0, {
    message: 'name the documents to upload again',
    path: ['documents'],
  });

export function reviewsRouter(deps: ApiDeps): Router {
  const { prisma } = deps.db;
  const router = Router();
  const reviewers = allow('reviewer', 'admin');
  /** The caller as a reviewer: actor of the audit trail and holder of leases. */
  const reviewer = (res: Parameters<typeof caller>[0]) => ({ ...actorOf(res), id: caller(res).id });

  router.get('/reviews', reviewers, async (req, res) => {
    const query = parse(QueueQuerySchema, req.query);
    res.json(ReviewQueueView.parse({ applications: await reviewQueue(prisma, ownedBy(res), query, new Date()) }));
  });

  router.get('/reviews/:id', reviewers, async (req, res) => {
    const { id } = parse(IdParamSchema, req.params);
    const { view, organizationId } = await reviewCase(prisma, id, ownedBy(res), caller(res).id, new Date());
    await auditStaffRead(prisma, res, { type: 'Application', id, organizationId, action: 'review.case_viewed' });
    res.json(view);
  });

  router.post('/applications/:id/review/claim', reviewers, async (req, res) => {
    const { id } = parse(IdParamSchema, req.params);
    res.json(claimView(await claimReview(prisma, id, ownedBy(res), reviewer(res), new Date())));
  });

  router.post('/applications/:id/review/decision', reviewers, async (req, res) => {
    const { id } = parse(IdParamSchema, req.params);
    const body = parse(DecisionSchema, req.body);
    const decided = await decideReview(
      prisma,
      id,
      ownedBy(res),
      reviewer(res),
      body,
      deps.config.clarification.days,
      deps.config.now(),
    );
    res.json(applicationSummary(decided));
  });

  return router;
}
