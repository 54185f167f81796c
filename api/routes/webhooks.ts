// The webhook delivery log and re-delivery, for administrators.
import { Router } from 'express';
import { z } from 'zod';
import * as deliveries from '../../db/webhook-deliveries.ts';
import { DeliveryStatus } from '../../generated/prisma/enums.ts';
import { actorOf, allow } from '../auth.ts';
import { parse } from '../errors.ts';
import { IdParamSchema } from '../schemas.ts';
import { redeliver } from '../../services/notifications.ts';
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
    const delivery = await redeliver(prisma, id, actorOf(res));
    res.status(202).json(deliveryView(delivery));
  });

  return router;
}
