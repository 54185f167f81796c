// The Notification table: what the applicant is told, with its read state.
import type { Prisma as PrismaNs } from '../generated/prisma/client.ts';
import type { Client, Json, Scope } from './client.ts';

export const create = (tx: Client, data: PrismaNs.NotificationUncheckedCreateInput) => tx.notification.create({ data });

/** The account's latest notifications (only the unread ones when asked). */
export const ofAccount = (db: Client, accountId: string, onlyUnread: boolean) =>
  db.notification.findMany({
    where: { accountId, ...(onlyUnread ? { readAt: null } : {}) },
    orderBy: { createdAt: 'desc' },
    take: 200,
  });

export const find = (db: Client, id: string, scope: Scope) => db.notification.findFirst({ where: { id, ...scope } });

export const markRead = (db: Client, id: string) =>
  db.notification.update({ where: { id }, data: { readAt: new Date() } });

const ERASED = { erased: true } satisfies Json;

/** Erasure: payloads may hold names and numbers. */
export const eraseOfApplication = (tx: Client, applicationId: string) =>
  tx.notification.updateMany({ where: { applicationId }, data: { payload: ERASED } });

export const eraseOfAccount = (tx: Client, accountId: string) =>
  tx.notification.updateMany({ where: { accountId }, data: { payload: ERASED } });
