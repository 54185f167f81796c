// The Account table: applicants' profiles.
import type { Prisma as PrismaNs } from '../generated/prisma/client.ts';
import type { Client, Scope } from './client.ts';
import { lockRow } from './row-locks.ts';

/** An account the caller may see and that is not erased. */
export const findLive = (db: Client, id: string, scope: Scope) =>
  db.account.findFirst({ where: { id, ...scope, erasedAt: null } });

export const findInScope = (db: Client, id: string, scope: Scope) => db.account.findFirst({ where: { id, ...scope } });

/** An account the caller may see, with its applications, newest first. */
export const findWithApplications = (db: Client, id: string, scope: Scope) =>
  db.account.findFirst({ where: { id, ...scope }, include: { applications: { orderBy: { createdAt: 'desc' } } } });

export const create = (db: Client, data: PrismaNs.AccountUncheckedCreateInput) => db.account.create({ data });

/** Takes the row until the transaction ends, then reads it with its applications' ids. */
export async function lockWithApplications(tx: Client, id: string) {
  await lockRow(tx, 'Account', id);
  return tx.account.findUniqueOrThrow({
    where: { id },
    include: { applications: { select: { id: true, erasedAt: true } } },
  });
}

/** Not erased, with applications, all of them erased: what retention erases next. */
export const withAllApplicationsErased = (db: Client) =>
  db.account.findMany({
    where: { erasedAt: null, applications: { some: {}, every: { erasedAt: { not: null } } } },
    select: { id: true },
    take: 200,
  });

/** Erasure: the profile becomes placeholders (the row stays for the statuses that point at it). */
export const eraseProfile = (tx: Client, id: string) =>
  tx.account.update({
    where: { id },
    data: {
      surnameLatin: 'ERASED',
      givenNamesLatin: 'ERASED',
      surnameCyrillic: null,
      givenNamesCyrillic: null,
      dateOfBirth: new Date('1900-01-01T00:00:00Z'),
      sex: 'X',
      citizenship: 'XXX',
      email: null,
      phone: null,
      inn: null,
      snils: null,
      erasedAt: new Date(),
    },
  });
