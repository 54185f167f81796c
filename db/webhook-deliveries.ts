// The WebhookDelivery table: the outbox of notifications to each organisation's endpoint.
import type { Prisma as PrismaNs } from '../generated/prisma/client.ts';
import type { DeliveryStatus } from '../generated/prisma/enums.ts';
import type { Client, Json } from './client.ts';

export type DeliveryRow = PrismaNs.WebhookDeliveryGetPayload<object>;

export const enqueue = (tx: Client, data: PrismaNs.WebhookDeliveryUncheckedCreateInput) =>
  tx.webhookDelivery.create({ data });

export const get = (db: Client, id: string) => db.webhookDelivery.findUnique({ where: { id } });

export const latest = (db: Client, status: DeliveryStatus | undefined) =>
  db.webhookDelivery.findMany({ where: status ? { status } : {}, orderBy: { createdAt: 'desc' }, take: 200 });

/** Pending deliveries whose attempt is due, earliest first. */
export const due = (db: Client, now: Date, take: number) =>
  db.webhookDelivery.findMany({
    where: { status: 'pending', nextAttemptAt: { lte: now } },
    orderBy: { nextAttemptAt: 'asc' },
    take,
  });

/** Moves the next attempt out of reach of other dispatchers; false when one of them got it first. */
export async function claim(db: Client, delivery: DeliveryRow, until: Date): Promise<boolean> {
  const claimed = await db.webhookDelivery.updateMany({
    where: { id: delivery.id, status: 'pending', nextAttemptAt: delivery.nextAttemptAt },
    data: { nextAttemptAt: until },
  });
  return claimed.count === 1;
}

export const delivered = (db: Client, id: string, attempts: number, statusCode: number | undefined) =>
  db.webhookDelivery.update({
    where: { id },
    data: {
      status: 'delivered',
      attempts,
      lastStatusCode: statusCode ?? null,
      lastError: null,
      deliveredAt: new Date(),
    },
  });

export const attemptFailed = (
  db: Client,
  id: string,
  attempt: { attempts: number; statusCode: number | undefined; error: string; exhausted: boolean; next: Date },
) =>
  db.webhookDelivery.update({
    where: { id },
    data: {
      status: attempt.exhausted ? 'failed' : 'pending',
      attempts: attempt.attempts,
      lastStatusCode: attempt.statusCode ?? null,
      lastError: attempt.error,
      nextAttemptAt: attempt.next,
    },
  });

/** An admin's redelivery: pending again, from the first attempt, now. */
export const reset = (tx: Client, id: string) =>
  tx.webhookDelivery.update({
    where: { id },
    data: { status: 'pending', attempts: 0, nextAttemptAt: new Date(), lastError: null },
  });

export const countByStatus = async (db: Client): Promise<{ status: DeliveryStatus; count: number }[]> =>
  (await db.webhookDelivery.groupBy({ by: ['status'], _count: { _all: true } })).map((row) => ({
    status: row.status,
    count: row._count._all,
  }));

/** Erasure: pending deliveries are dropped, every payload emptied. */
export async function eraseOfApplication(tx: Client, applicationId: string) {
  const erased = { erased: true } satisfies Json;
  await tx.webhookDelivery.updateMany({
    where: { notification: { applicationId }, status: 'pending' },
    data: { status: 'failed', lastError: 'erased before delivery' },
  });
  await tx.webhookDelivery.updateMany({ where: { notification: { applicationId } }, data: { payload: erased } });
}
