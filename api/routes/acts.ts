// The act of verification: the PDF for the portal and staff of the owning
// organisation, and the public answer behind its QR code (no API key: an
// official with a phone has none).
import { Router } from 'express';
import { z } from 'zod';
import { renderActPdf } from '../../core/act-pdf.ts';
import { actContent, verifyAct } from '../../services/acts.ts';
import { auditStaffRead, ownedBy } from '../auth.ts';
import { parse } from '../errors.ts';
import { IdParamSchema } from '../schemas.ts';
import type { ApiDeps } from '../app.ts';

// Any shape: a token that is not ours is answered as not genuine, not as a malformed request.
export const ActTokenParamSchema = z.object({ token: z.string().max(512) });

export function actsRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get('/applications/:id/act.pdf', async (req, res) => {
    const { id } = parse(IdParamSchema, req.params);
    const settings = { key: deps.keys.act, ...deps.config.acts };
    const act = await actContent(deps.db.prisma, id, ownedBy(res), settings, deps.config.now());
    await auditStaffRead(deps.db.prisma, res, {
      type: 'Application',
      id,
      organizationId: act.organizationId,
      action: 'application.act_downloaded',
    });
    const pdf = await renderActPdf(act);
    res
      .type('application/pdf')
      .set('Content-Disposition', `attachment; filename="act-${id}.pdf"`)
      .send(Buffer.from(pdf));
  });
  return router;
}

export function publicActsRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get('/acts/:token', async (req, res) => {
    const { token } = parse(ActTokenParamSchema, req.params);
    res.set('Cache-Control', 'no-store').json(await verifyAct(deps.db.prisma, token, deps.keys.act, deps.config.now()));
  });
  return router;
}
