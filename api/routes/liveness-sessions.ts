// Active liveness challenge: the portal opens a session for an application,
// shows the applicant its steps, and sends the frames once with the nonce.
// The flow itself (what is checked, what is stored) is services/liveness-sessions.ts.
import { Router } from 'express';
import multer from 'multer';
import { AppError } from '../../core/errors.ts';
import { completeLivenessSession, findLivenessSession, openLivenessSession } from '../../services/liveness-sessions.ts';
import { settleSafely } from '../../services/settlement.ts';
import { actorOf, allow, auditStaffRead, caller, ownedBy } from '../auth.ts';
import { parse, uploadRateLimit } from '../errors.ts';
import { FramesFieldsSchema, IdParamSchema } from '../schemas.ts';
import { livenessSessionView, openedLivenessSessionView } from '../../services/views.ts';
import type { AcceptedType } from '../../pipeline/types.ts';
import type { ApiDeps } from '../app.ts';

/** Frames of one session: a starting pose and one per step (steps are at most 6). */
const MAX_FRAMES = 7;
const FRAME_TYPES = new Set(['image/jpeg', 'image/png']);

export function livenessSessionsRouter(deps: ApiDeps): Router {
  const { prisma } = deps.db;
  const { limits, liveness } = deps.config;
  const router = Router();
  const frames = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: limits.maxUploadBytes, files: MAX_FRAMES, fields: 4, fieldSize: 1024, parts: MAX_FRAMES + 4 },
  }).array('frames', MAX_FRAMES);

  router.post('/applications/:id/liveness-sessions', allow('portal', 'admin'), async (req, res) => {
    const { id } = parse(IdParamSchema, req.params);
    const { session, nonce } = await openLivenessSession(prisma, {
      applicationId: id,
      scope: ownedBy(res),
      actor: actorOf(res),
      clientId: caller(res).id,
      settings: liveness,
      // Sessions run on wall-clock time: the rules' date (CLOCK) does not age them.
      now: new Date(),
    });
    res.status(201).location(`/v1/liveness-sessions/${session.id}`).json(openedLivenessSessionView(session, nonce));
  });

  router.get('/liveness-sessions/:id', async (req, res) => {
    const { id } = parse(IdParamSchema, req.params);
    const session = await findLivenessSession(prisma, id, ownedBy(res));
    await auditStaffRead(prisma, res, { type: 'LivenessSession', id, organizationId: session.organizationId });
    res.json(livenessSessionView(session));
  });

  router.post(
    '/liveness-sessions/:id/frames',
    allow('portal', 'admin'),
    uploadRateLimit(deps.config.http.uploadsPerMinute),
    frames,
    async (req, res) => {
      const { id } = parse(IdParamSchema, req.params);
      const { nonce } = parse(FramesFieldsSchema, req.body ?? {});
      const files = (req.files as Express.Multer.File[] | undefined) ?? [];
      if (files.length === 0) throw new AppError('file_missing', {}, 'frames');
      const uploads: { contentType: AcceptedType; bytes: Buffer }[] = [];
      for (const [frame, file] of files.entries()) {
        const inspected = await deps.pool.run({ type: 'inspect', bytes: file.buffer, limits });
        if (!inspected.ok) throw new AppError(inspected.reasonCode, { ...inspected.params, frame }, 'frames');
        if (!FRAME_TYPES.has(inspected.contentType))
          throw new AppError('challenge_frame_type', { frame, detail: inspected.contentType }, 'frames');
        uploads.push({ contentType: inspected.contentType, bytes: file.buffer });
      }
      const session = await completeLivenessSession(prisma, {
        sessionId: id,
        scope: ownedBy(res),
        actor: actorOf(res),
        nonce,
        frames: uploads.map((upload) => upload.bytes),
        judge: (steps) => deps.pool.run({ type: 'challenge', frames: uploads, steps, limits }),
        now: new Date(),
      });
      // The session was the last thing the application waited for, perhaps: its verdict now.
      await settleSafely(deps, session.applicationId);
      res.json(livenessSessionView(session));
    },
  );

  return router;
}
