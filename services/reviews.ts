// The review flow: the queue, one case with everything needed to decide it,
// the lease that keeps two reviewers off one case, and the decision. The
// application row is locked (FOR UPDATE) for a claim and a decision, so two
// simultaneous calls take turns.
import { AppError } from '../core/errors.ts';
import { REGISTRY_RU } from '../core/labels.ts';
import { clarificationDeadline } from '../core/lifecycle.ts';
import { reasonEntry, type ReasonEntry } from '../core/reasons.ts';
import type { DocumentKind } from '../generated/prisma/enums.ts';
import { compareName } from '../pipeline/names/transliteration.ts';
import type { RegistryAnswers } from '../pipeline/registry/index.ts';
import { applicationView, ReviewCaseView, reviewQueueItem } from './views.ts';
import * as applications from '../db/applications.ts';
import { recordAudit, type Actor } from '../db/audit.ts';
import type { Scope } from '../db/client.ts';
import type { Prisma } from '../db/index.ts';
import * as reviews from '../db/reviews.ts';
import { transition } from './lifecycle.ts';

/** How long a claim keeps other reviewers out. */
export const LEASE_MINUTES = 15;

const STATUS_OF = { approve: 'approved', reject: 'rejected', request_clarification: 'clarification_required' } as const;

export interface Decision {
  decision: keyof typeof STATUS_OF;
  comment: string;
  reasonCodes: string[];
  documents: { kind: DocumentKind; message: string }[];
}

const liveLease = (review: { leaseExpiresAt: Date | null }, now: Date) =>
  review.leaseExpiresAt !== null && review.leaseExpiresAt > now;

/** Applications under review, oldest first, with who holds each. */
export async function reviewQueue(
  prisma: Prisma,
  scope: Scope,
  filter: { reason?: string; olderThanMinutes?: number },
  now: Date,
) {
  const before =
    filter.olderThanMinutes !== undefined ? new Date(now.getTime() - filter.olderThanMinutes * 60_000) : undefined;
  const queued = await applications.underReview(prisma, scope, before);
  return queued
    .filter(
      (application) => !filter.reason || (application.reasons as ReasonEntry[]).some((r) => r.code === filter.reason),
    )
    .map(({ reviews, ...application }) =>
      reviewQueueItem(
        application,
        reviews.find((review) => liveLease(review, now)),
        now,
      ),
    );
}

/** The fields a reviewer compares across the MRZ, the printed zone and the profile. */
const COMPARED_FIELDS = [
  {
    field: 'surname',
    label: 'Фамилия',
    profile: (a: Applicant) => a.surnameLatin,
    cyrillic: (a: Applicant) => a.surnameCyrillic,
  },
  {
    field: 'givenNames',
    label: 'Имя',
    profile: (a: Applicant) => a.givenNamesLatin,
    cyrillic: (a: Applicant) => a.givenNamesCyrillic,
  },
  { field: 'dateOfBirth', label: 'Дата рождения', profile: (a: Applicant) => a.dateOfBirth.toISOString().slice(0, 10) },
  { field: 'sex', label: 'Пол', profile: (a: Applicant) => a.sex },
  { field: 'nationality', label: 'Гражданство', profile: (a: Applicant) => a.citizenship },
  { field: 'documentNumber', label: 'Номер документа' },
  { field: 'dateOfExpiry', label: 'Действителен до' },
] as const satisfies readonly {
  field: string;
  label: string;
  profile?: (a: Applicant) => string;
  cyrillic?: (a: Applicant) => string | null;
}[];

interface Applicant {
  surnameLatin: string;
  givenNamesLatin: string;
  surnameCyrillic: string | null;
  givenNamesCyrillic: string | null;
  dateOfBirth: Date;
  sex: string;
  citizenship: string;
}

const NAME_RESULT_RU = { match: 'Совпадает', probable: 'Вероятно, то же имя', mismatch: 'Не совпадает' } as const;

const squeeze = (value: string) =>
  value
    .toUpperCase()
    .replace(/[\s<-]+/g, ' ')
    .trim();

function comparisonRows(
  mrz: Record<string, string> | undefined,
  viz: Record<string, string> | undefined,
  applicant: Applicant | null,
) {
  return COMPARED_FIELDS.map((row) => {
    const fromMrz = mrz?.[row.field] ?? null;
    const fromViz = viz?.[row.field] ?? null;
    const fromProfile = applicant && 'profile' in row ? row.profile(applicant) : null;
    const cyrillic = applicant && 'cyrillic' in row ? row.cyrillic(applicant) : null;
    let note: string | null = null;
    let profileAgrees = true;
    if (fromMrz && applicant && 'cyrillic' in row) {
      // Names: the profile's Cyrillic spelling, transliterated the ways the issuing states do.
      const compared = compareName({ cyrillic: cyrillic ?? undefined, latin: fromProfile ?? undefined }, fromMrz);
      note = `${NAME_RESULT_RU[compared.result]}${compared.distance ? ` (букв отличается: ${compared.distance})` : ''}. ${compared.explanation}`;
      profileAgrees = compared.result === 'match';
    } else if (fromMrz && fromProfile) profileAgrees = squeeze(fromMrz) === squeeze(fromProfile);
    const printedAgrees = !fromMrz || !fromViz || squeeze(fromMrz) === squeeze(fromViz);
    return {
      field: row.field,
      label: row.label,
      mrz: fromMrz,
      viz: fromViz,
      profile: cyrillic ? `${cyrillic} (${fromProfile})` : fromProfile,
      note,
      agrees: profileAgrees && printedAgrees,
    };
  });
}

/** One case as the workspace shows it: the application, the profile beside what the documents say, registry answers, the claim. */
export async function reviewCase(prisma: Prisma, id: string, scope: Scope, reviewerId: string, now: Date) {
  const row = await applications.findReviewCase(prisma, id, scope);
  if (!row) throw new AppError('not_found', { entity: 'Application' });
  const application = applicationView(row);
  const identity = application.documents.find(
    (d) => d.current && (d.kind === 'passport' || d.kind === 'residence_permit') && d.extracted?.mrz,
  );
  const applicant = row.account.erasedAt ? null : row.account;
  const registries = Object.values((row.registryChecks ?? {}) as RegistryAnswers).map(({ kind, answer }) => ({
    registry: kind,
    label: REGISTRY_RU[kind],
    status: answer.status,
    detail:
      answer.status === 'unavailable'
        ? answer.detail
        : answer.status === 'found'
          ? Object.entries(answer.record)
              .map(([k, v]) => `${k}: ${v}`)
              .join(', ')
          : null,
  }));
  const lease = row.reviews.find((review) => liveLease(review, now));
  const view = ReviewCaseView.parse({
    application,
    applicant,
    comparison: comparisonRows(identity?.extracted?.mrz?.fields, identity?.extracted?.viz?.fields, applicant),
    registries,
    claim: lease
      ? {
          reviewerId: lease.reviewerId,
          reviewerName: lease.reviewer?.name ?? '',
          leaseExpiresAt: lease.leaseExpiresAt,
          mine: lease.reviewerId === reviewerId,
        }
      : null,
    waitingMinutes: Math.floor((now.getTime() - row.updatedAt.getTime()) / 60_000),
  });
  return { view, organizationId: row.organizationId };
}

export async function claimReview(prisma: Prisma, id: string, scope: Scope, actor: Actor & { id: string }, now: Date) {
  return prisma.$transaction(async (tx) => {
    const application = await applications.lockWithReviews(tx, id, scope, { not: 'decided' });
    if (!application) throw new AppError('not_found', { entity: 'Application' });
    if (application.status !== 'under_review') throw new AppError('not_under_review', { status: application.status });
    const held = application.reviews.find((r) => r.reviewerId !== actor.id && liveLease(r, now));
    if (held) throw new AppError('review_claimed', { until: held.leaseExpiresAt!.toISOString() });
    const claimed = await reviews.claim(tx, id, application.reviews[0]?.id, {
      reviewerId: actor.id,
      leaseExpiresAt: new Date(now.getTime() + LEASE_MINUTES * 60_000),
    });
    await recordAudit(tx, {
      actor,
      action: 'review.claimed',
      entityType: 'Application',
      entityId: id,
      organizationId: application.organizationId,
      data: { reviewId: claimed.id },
    });
    return claimed;
  });
}

export async function decideReview(
  prisma: Prisma,
  id: string,
  scope: Scope,
  actor: Actor & { id: string },
  body: Decision,
  clarificationDays: number,
  now: Date,
) {
  const to = STATUS_OF[body.decision];
  await prisma.$transaction(async (tx) => {
    const application = await applications.lockWithReviews(tx, id, scope, { equals: 'claimed' });
    if (!application) throw new AppError('not_found', { entity: 'Application' });
    if (application.status !== 'under_review') throw new AppError('not_under_review', { status: application.status });
    const lease = application.reviews.find((r) => r.reviewerId === actor.id && liveLease(r, new Date()));
    if (!lease) throw new AppError('review_not_claimed');
    await reviews.decide(tx, lease.id, { decision: to, reasonCodes: body.reasonCodes, comment: body.comment });
    await transition(tx, id, {
      to,
      actor,
      reason: body.comment,
      reasons: [reasonEntry('reviewer_decision', { comment: body.comment })],
      missingDocuments: body.documents.map((d) => ({
        kind: d.kind,
        reasonCode: 'reviewer_decision',
        message: d.message,
        messageRu: d.message,
      })),
      deadline: clarificationDeadline(now, clarificationDays),
    });
    await recordAudit(tx, {
      actor,
      action: 'review.decided',
      entityType: 'Application',
      entityId: id,
      organizationId: application.organizationId,
      data: { reviewId: lease.id, decision: to, reasonCodes: body.reasonCodes },
    });
  });
  return applications.get(prisma, id);
}
