// The Review table: a reviewer's claim (a lease) on a case, and the decision.
import type { Prisma as PrismaNs } from '../generated/prisma/client.ts';
import type { Client } from './client.ts';

type Lease = { reviewerId: string; leaseExpiresAt: Date };

/** Takes the case: renews the open review, or opens one. */
export const claim = (tx: Client, applicationId: string, openReviewId: string | undefined, lease: Lease) => {
  const data = { ...lease, status: 'claimed' as const };
  return openReviewId
    ? tx.review.update({ where: { id: openReviewId }, data })
    : tx.review.create({ data: { applicationId, ...data } });
};

export const decide = (
  tx: Client,
  id: string,
  decision: Pick<PrismaNs.ReviewUncheckedUpdateInput, 'decision' | 'reasonCodes' | 'comment'>,
) =>
  tx.review.update({
    where: { id },
    data: { ...decision, status: 'decided', decidedAt: new Date(), leaseExpiresAt: null },
  });

/** Erasure: reviewers' comments may name the applicant. */
export const eraseOfApplication = (tx: Client, applicationId: string) =>
  tx.review.updateMany({ where: { applicationId }, data: { comment: null } });
