// The reviewer's side: the queue of applications under review, a lease so two
// reviewers never decide the same case, and the decision itself. Reviewers and
// admins only; every decision is recorded with the reviewer's identity.
import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { clarificationDeadline } from '../../core/lifecycle.ts';
import { reasonEntry, type ReasonEntry } from '../../core/reasons.ts';
import { recordAudit } from '../../db/audit.ts';
import { transition } from '../../db/lifecycle.ts';
import { DocumentKind } from '../../generated/prisma/enums.ts';
import { actorOf, allow, caller, ownedBy } from '../auth.ts';
import { parse } from '../errors.ts';
import { IdParamSchema } from '../schemas.ts';
import { applicationSummary, claimView, reviewQueueItem } from '../views.ts';
import type { ApiDeps } from '../app.ts';

/** How long a claim keeps other reviewers out. */
export const LEASE_MINUTES = 15;

const QueueQuerySchema = z.object({
  reason: z.string().regex(/^[a-z_]+$/).optional(),
  olderThanMinutes: z.coerce.number().int().min(0).optional(),
});

const DecisionSchema = z
  .object({
    decision: z.enum(['approve', 'reject', 'request_clarification']),
    comment: z.string().trim().min(1).max(2000),
    reasonCodes: z.array(z.string().regex(/^[a-z_]+$/)).max(20).default([]),
    documents: z.array(z.object({ kind: z.enum(DocumentKind), message: z.string().trim().min(1).max(500) })).max(4).default([]),
  })
  .refine((body) => body.decision !== 'request_clarification' || body.documents.length > 0, {
    message: 'name the documents to upload again',
    path: ['documents'],
  });

const STATUS_OF = { approve: 'approved', reject: 'rejected', request_clarification: 'clarification_required' } as const;

export function reviewsRouter(deps: ApiDeps): Router {
  const { prisma } = deps.db;
  const router = Router();
  const reviewers = allow('reviewer', 'admin');

  router.get('/reviews', reviewers, async (req, res) => {
    const query = parse(QueueQuerySchema, req.query);
    const before = query.olderThanMinutes !== undefined ? new Date(Date.now() - query.olderThanMinutes * 60_000) : undefined;
    const applications = await prisma.application.findMany({
      where: { status: 'under_review', ...ownedBy(res), ...(before ? { updatedAt: { lte: before } } : {}) },
      orderBy: { updatedAt: 'asc' },
      include: { reviews: { where: { status: { not: 'decided' } } } },
      take: 500,
    });
    const now = new Date();
    const queue = applications
      .filter((application) => !query.reason || (application.reasons as ReasonEntry[]).some((r) => r.code === query.reason))
      .map(({ reviews, ...application }) => reviewQueueItem(application, reviews.find((review) => review.leaseExpiresAt && review.leaseExpiresAt > now), now));
    res.json({ applications: queue });
  });

  router.post('/applications/:id/review/claim', reviewers, async (req, res) => {
    const { id } = parse(IdParamSchema, req.params);
    const reviewer = caller(res);
    const review = await prisma.$transaction(async (tx) => {
      // The row lock makes two simultaneous claims take turns.
      await tx.$queryRaw`SELECT id FROM "Application" WHERE id = ${id}::uuid FOR UPDATE`;
      const application = await tx.application.findFirst({ where: { id, ...ownedBy(res) }, include: { reviews: { where: { status: { not: 'decided' } } } } });
      if (!application) throw new AppError('not_found', { entity: 'Application' });
      if (application.status !== 'under_review') throw new AppError('not_under_review', { status: application.status });
      const now = new Date();
      const held = application.reviews.find((r) => r.reviewerId !== reviewer.id && r.leaseExpiresAt && r.leaseExpiresAt > now);
      if (held) throw new AppError('review_claimed', { until: held.leaseExpiresAt!.toISOString() });
      const lease = { reviewerId: reviewer.id, status: 'claimed' as const, leaseExpiresAt: new Date(now.getTime() + LEASE_MINUTES * 60_000) };
      const open = application.reviews[0];
      const claimed = open
        ? await tx.review.update({ where: { id: open.id }, data: lease })
        : await tx.review.create({ data: { applicationId: id, ...lease } });
      await recordAudit(tx, { actor: actorOf(res), action: 'review.claimed', entityType: 'Application', entityId: id, organizationId: application.organizationId, data: { reviewId: claimed.id } });
      return claimed;
    });
    res.json(claimView(review));
  });

  router.post('/applications/:id/review/decision', reviewers, async (req, res) => {
    const { id } = parse(IdParamSchema, req.params);
    const body = parse(DecisionSchema, req.body);
    const reviewer = caller(res);
    const actor = actorOf(res);
    const to = STATUS_OF[body.decision];
    await prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "Application" WHERE id = ${id}::uuid FOR UPDATE`;
      const application = await tx.application.findFirst({ where: { id, ...ownedBy(res) }, include: { reviews: { where: { status: 'claimed' } } } });
      if (!application) throw new AppError('not_found', { entity: 'Application' });
      if (application.status !== 'under_review') throw new AppError('not_under_review', { status: application.status });
      const lease = application.reviews.find((r) => r.reviewerId === reviewer.id && r.leaseExpiresAt && r.leaseExpiresAt > new Date());
      if (!lease) throw new AppError('review_not_claimed');
      await tx.review.update({
        where: { id: lease.id },
        data: { status: 'decided', decision: to, reasonCodes: body.reasonCodes, comment: body.comment, decidedAt: new Date(), leaseExpiresAt: null },
      });
      const reason = reasonEntry('reviewer_decision', { comment: body.comment });
      await transition(tx, id, {
        to,
        actor,
        reason: body.comment,
        reasons: [reason],
        missingDocuments: body.documents.map((d) => ({ kind: d.kind, reasonCode: 'reviewer_decision', message: d.message, messageRu: d.message })),
        deadline: clarificationDeadline(deps.config.now(), deps.config.clarification.days),
      });
      await recordAudit(tx, { actor, action: 'review.decided', entityType: 'Application', entityId: id, organizationId: application.organizationId, data: { reviewId: lease.id, decision: to, reasonCodes: body.reasonCodes } });
    });
    const application = await prisma.application.findUniqueOrThrow({ where: { id } });
    res.json(applicationSummary(application));
  });

  return router;
}
