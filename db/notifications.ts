// Notifications to the applicant, and the webhook outbox behind them: the
// delivery row is written in the notification's own transaction, one per
// notification and endpoint (a unique key), so an event is never lost and
// never queued twice, however many processes run.
import type { Prisma as PrismaNs } from '../generated/prisma/client.ts';

type Tx = PrismaNs.TransactionClient;

export interface NewNotification {
  organizationId: string;
  accountId: string;
  applicationId?: string;
  type: string;
  payload: Record<string, unknown>;
}

export async function notify(tx: Tx, notification: NewNotification): Promise<void> {
  const created = await tx.notification.create({
    data: { ...notification, payload: notification.payload as PrismaNs.InputJsonValue },
  });
  const organization = await tx.organization.findUniqueOrThrow({
    where: { id: notification.organizationId },
    select: { webhookUrl: true },
  });
  if (!organization.webhookUrl) return;
  await tx.webhookDelivery.create({
    data: {
      organizationId: notification.organizationId,
      notificationId: created.id,
      url: organization.webhookUrl,
      event: created.type,
      payload: {
        notificationId: created.id,
        accountId: created.accountId,
        applicationId: created.applicationId,
        createdAt: created.createdAt.toISOString(),
        data: notification.payload as PrismaNs.InputJsonValue,
      },
    },
  });
}
