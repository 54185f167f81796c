// The webhook delivery log and re-delivery, for administrators.
import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { recordAudit } from '../../db/audit.ts';
import * as deliveries from '../../db/webhook-deliveries.ts';
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
    const latest = await deliveries.latest(prisma, status);
    res.json(DeliveryListView.parse({ deliveries: latest.map(deliveryView) }));
  });

  router.post('/webhooks/deliveries/:id/redeliver', admins, async (req, res) => {
    const { id } = parse(IdParamSchema, req.params);
    const delivery = await prisma.$transaction(async (tx) => {
      const found = await deliveries.get(tx, id);
      if (!found) throw new AppError('not_found', { entity: 'Webhook delivery' });
      await recordAudit(tx, {
        actor: actorOf(res),
        action: 'webhook.redeliver',
        entityType: 'WebhookDelivery',
        entityId: id,
        organizationId: found.organizationId,
        data: { previousStatus: found.status },
      });
      return deliveries.reset(tx, id);
    });
    res.status(202).json(deliveryView(delivery));
  });

  return router;
}
