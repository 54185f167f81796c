// The Application table: every query of it, the shapes it is read in, and its row lock.
import type { Prisma as PrismaNs } from '../generated/prisma/client.ts';
import type { ApplicationStatus } from '../generated/prisma/enums.ts';
import type { Client, Json, Scope } from './client.ts';
import { documentInclude } from './documents.ts';
import { lockRow } from './row-locks.ts';

/** An application as its views show it: documents with every run and check, sessions, history. */
const applicationInclude = {
  documents: { orderBy: { createdAt: 'asc' }, include: documentInclude },
  livenessSessions: { orderBy: { createdAt: 'asc' } },
  history: { orderBy: { createdAt: 'asc' } },
} as const satisfies PrismaNs.ApplicationInclude;

/** An application as settlement reads it: the profile, the latest session, finished runs with their checks. */
const settlementInclude = {
  account: true,
  livenessSessions: { orderBy: { createdAt: 'desc' }, take: 1 },
  documents: { include: { runs: { where: { status: { in: ['succeeded', 'failed'] } }, include: { checks: true } } } },
} as const satisfies PrismaNs.ApplicationInclude;

const openReviews = {
  reviews: { where: { status: { not: 'decided' } }, include: { reviewer: { select: { name: true } } } },
} as const satisfies PrismaNs.ApplicationInclude;

export type ApplicationWithDocuments = PrismaNs.ApplicationGetPayload<{ include: typeof applicationInclude }>;
export type ApplicationForSettlement = PrismaNs.ApplicationGetPayload<{ include: typeof settlementInclude }>;

export const find = (db: Client, id: string, scope: Scope = {}) =>
  db.application.findFirst({ where: { id, ...scope } });

export const get = (db: Client, id: string) => db.application.findUniqueOrThrow({ where: { id } });

/** Takes the row until the transaction ends, then reads it (undefined when out of scope or missing). */
export async function lockAndFind(tx: Client, id: string, scope: Scope = {}) {
  await lockRow(tx, 'Application', id);
  return find(tx, id, scope);
}

export const findWithDocuments = (db: Client, id: string, scope: Scope) =>
  db.application.findFirst({ where: { id, ...scope }, include: applicationInclude });

export const findForSettlement = (db: Client, id: string) =>
  db.application.findUnique({ where: { id }, include: settlementInclude });

export async function lockForSettlement(tx: Client, id: string) {
  await lockRow(tx, 'Application', id);
  return findForSettlement(tx, id);
}

export const create = (db: Client, data: PrismaNs.ApplicationUncheckedCreateInput) => db.application.create({ data });

export const update = (db: Client, id: string, data: PrismaNs.ApplicationUncheckedUpdateInput) =>
  db.application.update({ where: { id }, data });

/** Registry answers kept with the application; the settle retry counter goes with them. */
export const keepRegistryAnswers = (db: Client, id: string, answers: Json, retry: { nextSettleAt: Date } | undefined) =>
  update(
    db,
    id,
    retry
      ? { registryAttempts: { increment: 1 }, nextSettleAt: retry.nextSettleAt, registryChecks: answers }
      : { registryAttempts: 0, nextSettleAt: null, registryChecks: answers },
  );

/** Applications waiting for a settlement: a registry retry that is due, or one left unsettled for a while. */
export const dueForSettlement = (db: Client, now: Date, olderThanMs: number) =>
  db.application.findMany({
    where: {
      status: 'processing',
      OR: [
        { nextSettleAt: { lte: now } },
        { nextSettleAt: null, updatedAt: { lt: new Date(now.getTime() - olderThanMs) } },
      ],
    },
    select: { id: true },
    orderBy: { updatedAt: 'asc' },
    take: 100,
  });

/** Under review, oldest first, with the open review (and its reviewer's name) of each. */
export const underReview = (db: Client, scope: Scope, notUpdatedSince: Date | undefined) =>
  db.application.findMany({
    where: { status: 'under_review', ...scope, ...(notUpdatedSince ? { updatedAt: { lte: notUpdatedSince } } : {}) },
    orderBy: { updatedAt: 'asc' },
    include: openReviews,
    take: 500,
  });

/** One case for the reviewer's workspace: the application, the profile, the open review. */
export const findReviewCase = (db: Client, id: string, scope: Scope) =>
  db.application.findFirst({
    where: { id, ...scope },
    include: { ...applicationInclude, account: true, ...openReviews },
  });

/** Takes the row, then reads it with its reviews in `status` (the lease a claim or decision works on). */
export async function lockWithReviews(tx: Client, id: string, scope: Scope, status: PrismaNs.EnumReviewStatusFilter) {
  await lockRow(tx, 'Application', id);
  return tx.application.findFirst({ where: { id, ...scope }, include: { reviews: { where: { status } } } });
}

/** A decided application for its act: the profile and the last decision with its reviewer's name. */
export const findForAct = (db: Client, id: string, scope: Scope) =>
  db.application.findFirst({
    where: { id, ...scope },
    include: {
      ...applicationInclude,
      account: true,
      reviews: {
        where: { status: 'decided' },
        orderBy: { decidedAt: 'desc' },
        take: 1,
        include: { reviewer: { select: { name: true } } },
      },
    },
  });

export const findWithAccount = (db: Client, id: string) =>
  db.application.findUnique({ where: { id }, include: { account: true } });

/** In «Требуется уточнение» with a deadline before `before`, soonest first. */
export const clarificationsDue = (db: Client, before: Date) =>
  db.application.findMany({
    where: { status: 'clarification_required', clarificationDueAt: { lte: before } },
    select: { id: true },
    orderBy: { clarificationDueAt: 'asc' },
    take: 100,
  });

/** Decided before `cutoff` and not erased yet: what retention erases. */
export const decidedBefore = (db: Client, cutoff: Date) =>
  db.application.findMany({
    where: { status: { in: ['approved', 'rejected'] }, decidedAt: { lt: cutoff }, erasedAt: null },
    select: { id: true },
    take: 200,
  });

/** Takes the row, then reads it with what erasure removes: its documents' blob keys and check details. */
export async function lockForErasure(tx: Client, id: string) {
  await lockRow(tx, 'Application', id);
  return tx.application.findUniqueOrThrow({
    where: { id },
    include: {
      documents: {
        select: { id: true, status: true, storageKey: true, checks: { select: { stage: true, details: true } } },
      },
    },
  });
}

export const countByStatus = async (db: Client): Promise<{ status: ApplicationStatus; count: number }[]> =>
  (await db.application.groupBy({ by: ['status'], _count: { _all: true } })).map((row) => ({
    status: row.status,
    count: row._count._all,
  }));
