// Notifications to the applicant, and the webhook outbox behind them: the
// delivery row is written in the notification's own transaction, one per
// notification and endpoint (a unique key), so an event is never lost and
// never queued twice, however many processes run.
import type { Client, Json } from '../db/client.ts';
import * as notifications from '../db/notifications.ts';
import { webhookUrlOf } from '../db/organizations.ts';
import * as deliveries from '../db/webhook-deliveries.ts';

export interface NewNotification {
  organizationId: string;
  accountId: string;
  applicationId?: string;
  type: string;
  payload: Record<string, unknown>;
}

export async function notify(tx: Client, notification: NewNotification): Promise<void> {
  const payload = notification.payload as Json;
  const created = await notifications.create(tx, { ...notification, payload });
  const url = await webhookUrlOf(tx, notification.organizationId);
  if (!url) return;
  await deliveries.enqueue(tx, {
    organizationId: notification.organizationId,
    notificationId: created.id,
    url,
    event: created.type,
    payload: {
      notificationId: created.id,
      accountId: created.accountId,
      applicationId: created.applicationId,
      createdAt: created.createdAt.toISOString(),
      data: payload,
    },
  });
}
