// Notifications to the applicant, and the webhook outbox behind them: the
// delivery row is written in the notification's own transaction, one per
// notification and endpoint (a unique key), so an event is never lost and
// never queued twice, however many processes run; and an administrator's redelivery.
import { AppError } from '../core/errors.ts';
import { recordAudit, type Actor } from '../db/audit.ts';
import type { Client, Json } from '../db/client.ts';
import type { Prisma } from '../db/index.ts';
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

/** An administrator sends a delivery again: pending from its first attempt, now, and audited. */
export async function redeliver(prisma: Prisma, id: string, actor: Actor) {
  return prisma.$transaction(async (tx) => {
    const found = await deliveries.get(tx, id);
    if (!found) throw new AppError('not_found', { entity: 'Webhook delivery' });
    await recordAudit(tx, {
      actor,
      action: 'webhook.redeliver',
      entityType: 'WebhookDelivery',
      entityId: id,
      organizationId: found.organizationId,
      data: { previousStatus: found.status },
    });
    return deliveries.reset(tx, id);
  });
}
