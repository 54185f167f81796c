// The webhook delivery log and re-delivery, for administrators.
import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { recordAudit } from '../../db/audit.ts';
import { DeliveryStatus } from '../../generated/prisma/enums.ts';
import { actorOf, allow } from '../auth.ts';
import { parse } from '../errors.ts';
import { IdParamSchema } from '../schemas.ts';
import { DeliveryListView, deliveryView } from '../../services/views.ts';
import type { ApiDeps } from '../app.ts';

export const DeliveryQuerySchema = z.object({ status: z.enum(DeliveryStatus).optional() });

export function webhooksRouter(deps: ApiDeps): Router {
  const { prisma } = deps.db;
  const router = Router();
  const admins = allow('admin');

  router.get('/webhooks/deliveries', admins, async (req, res) => {
    const { status } = parse(DeliveryQuerySchema, req.query);
    const deliveries = await prisma.webhookDelivery.findMany({
      where: status ? { status } : {},
      orderBy: { createdAt: 'desc' },
      take: 200,
    });
    res.json(DeliveryListView.parse({ deliveries: deliveries.map(deliveryView) }));
  });

  router.post('/webhooks/deliveries/:id/redeliver', admins, async (req, res) => {
    const { id } = parse(IdParamSchema, req.params);
    const delivery = await prisma.$transaction(async (tx) => {
      const found = await tx.webhookDelivery.findUnique({ where: { id } });
      if (!found) throw new AppError('not_found', { entity: 'Webhook delivery' });
      await recordAudit(tx, {
        actor: actorOf(res),
        action: 'webhook.redeliver',
        entityType: 'WebhookDelivery',
        entityId: id,
        organizationId: found.organizationId,
        data: { previousStatus: found.status },
      });
      return tx.webhookDelivery.update({
        where: { id },
        data: { status: 'pending', attempts: 0, nextAttemptAt: new Date(), lastError: null },
      });
    });
    res.status(202).json(deliveryView(delivery));
  });

  return router;
}
