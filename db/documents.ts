// The Document table: every query of it, the shape it is read in, and its row lock.
import { Prisma as PrismaNs } from '../generated/prisma/client.ts';
import type { DocumentStatus } from '../generated/prisma/enums.ts';
import type { Client, Json, Scope } from './client.ts';
import { lockRow } from './row-locks.ts';

/** A document as its views show it: every run, with its checks. */
export const documentInclude = {
  runs: { orderBy: { attempt: 'asc' }, include: { checks: true } },
} as const satisfies PrismaNs.DocumentInclude;

const UNFINISHED: DocumentStatus[] = ['received', 'processing'];

export const create = (db: Client, data: PrismaNs.DocumentUncheckedCreateInput) => db.document.create({ data });

export const get = (db: Client, id: string) => db.document.findUnique({ where: { id } });

/** A document of an application the caller may see, with its runs and checks. */
export const findInScope = (db: Client, id: string, scope: Scope) =>
  db.document.findFirst({
    where: { id, application: scope },
    include: { ...documentInclude, application: { select: { organizationId: true } } },
  });

/** Marks an unfinished document as processing, under its row lock; false when it finished meanwhile. */
export async function start(tx: Client, id: string): Promise<boolean> {
  await lockRow(tx, 'Document', id);
  const started = await tx.document.updateMany({
    where: { id, status: { in: UNFINISHED } },
    data: { status: 'processing' },
  });
  return started.count > 0;
}

/** Stores a run's outcome on the document if it is still unfinished: whoever finishes first wins. */
export async function finish(
  tx: Client,
  id: string,
  result: { status: 'processed' | 'failed'; size?: { width: number; height: number }; extracted?: Json },
): Promise<boolean> {
  const claimed = await tx.document.updateMany({
    where: { id, status: { in: UNFINISHED } },
    data: {
      status: result.status,
      processedAt: new Date(),
      ...(result.size ? { width: result.size.width, height: result.size.height } : {}),
      ...(result.extracted ? { extracted: result.extracted } : {}),
    },
  });
  return claimed.count > 0;
}

/** Every migration card read in the account's other applications (their stored fields). */
export const cardsOfOtherApplications = (db: Client, accountId: string, applicationId: string) =>
  db.document.findMany({
    where: { kind: 'migration_card', status: 'processed', application: { accountId, id: { not: applicationId } } },
    select: { extracted: true },
  });

/** Passports with this MRZ number in the organisation's applications of other applicants. */
export const passportsNumberedElsewhere = (
  db: Client,
  documentNumber: string,
  where: { organizationId: string; notAccountId: string },
) =>
  db.document.findMany({
    where: {
      kind: 'passport',
      extracted: { path: ['mrz', 'fields', 'documentNumber'], equals: documentNumber },
      application: { organizationId: where.organizationId, accountId: { not: where.notAccountId } },
    },
    select: { applicationId: true },
    take: 20,
  });

/** Which of these ids name a document (the blob sweep's orphan test). */
export const existing = async (db: Client, ids: string[]) =>
  new Set((await db.document.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((d) => d.id));

/** Unfinished documents created before `before`, oldest first. */
export const unfinishedBefore = (db: Client, before: Date, take: number) =>
  db.document.findMany({
    where: { status: { in: UNFINISHED }, createdAt: { lt: before } },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
    take,
  });

/** Erasure: the fields read from the application's documents and the names of their files. */
export const eraseOfApplication = (tx: Client, applicationId: string) =>
  tx.document.updateMany({
    where: { applicationId },
    data: { extracted: PrismaNs.DbNull, originalName: null, declaredType: null },
  });
