// The ApplicationStatusHistory table: one row per status an application entered.
import type { Prisma as PrismaNs } from '../generated/prisma/client.ts';
import type { Client } from './client.ts';

export const record = (tx: Client, entry: PrismaNs.ApplicationStatusHistoryUncheckedCreateInput) =>
  tx.applicationStatusHistory.create({ data: entry });

/** Erasure: the free-text reasons go, the statuses and codes stay. */
export const eraseOfApplication = (tx: Client, applicationId: string) =>
  tx.applicationStatusHistory.updateMany({ where: { applicationId }, data: { reason: 'erased' } });
