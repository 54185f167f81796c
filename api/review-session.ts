// Sign-in to the reviewer workspace: a reviewer (or admin) key for a session
// cookie — HttpOnly (no script reads it), SameSite=Strict (no other site sends
// it), Secure behind HTTPS — plus a CSRF token the workspace sends back in
// `X-CSRF-Token` on every state-changing request.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import { findApiClient } from '../db/api-keys.ts';
import { recordAudit } from '../db/audit.ts';
import { actorFor } from '../services/caller.ts';
import {
  closeReviewerSession,
  findReviewerSession,
  openReviewerSession,
  SESSION_HOURS,
} from '../db/reviewer-sessions.ts';
import type { Prisma } from '../db/index.ts';
import { parse } from './errors.ts';
import { reviewerSessionView } from '../services/views.ts';

export const SESSION_COOKIE = 'dv_review';
export const CSRF_HEADER = 'x-csrf-token';

export const SignInSchema = z.object({ key: z.string().min(8).max(200) });

/** The value of one cookie of the request. */
export function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

const setCookie = (req: Request, res: Response, value: string, maxAgeSeconds: number) =>
  res.append(
    'Set-Cookie',
    `${SESSION_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${req.secure ? '; Secure' : ''}`,
  );

/** The session behind the request's cookie; on a state-changing request, only with the session's CSRF token. */
export async function cookieSession(prisma: Prisma, req: Request) {
  const token = cookie(req, SESSION_COOKIE);
  if (!token) return undefined;
  const session = await findReviewerSession(prisma, token, new Date());
  if (!session) return undefined;
  if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method) && req.get(CSRF_HEADER) !== session.csrfToken)
    throw new AppError('csrf_failed');
  return session;
}

export function reviewSessionRouter(
  prisma: Prisma,
  onFailedSignIn: (req: Request, res: Response, next: (error?: unknown) => void) => void,
): Router {
  const router = Router();

  router.post('/session', async (req, res, next) => {
    const { key } = parse(SignInSchema, req.body);
    const client = await findApiClient(prisma, key);
    // Counted by the failed-authentication limiter before the 401, like a wrong bearer key.
    if (!client) return onFailedSignIn(req, res, (error?: unknown) => next(error ?? new AppError('unauthorized')));
    if (client.role !== 'reviewer' && client.role !== 'admin') throw new AppError('forbidden', { role: client.role });
    const { token, session } = await openReviewerSession(prisma, client.id, new Date());
    await prisma.$transaction((tx) =>
      recordAudit(tx, {
        actor: actorFor(client),
        action: 'reviewer.signed_in',
        entityType: 'ApiClient',
        entityId: client.id,
        organizationId: client.organizationId,
      }),
    );
    setCookie(req, res, token, SESSION_HOURS * 3600);
    res.json(reviewerSessionView(session));
  });

  router.get('/session', async (req, res) => {
    const session = await cookieSession(prisma, req);
    if (!session) throw new AppError('unauthorized');
    res.json(reviewerSessionView(session));
  });

  router.delete('/session', async (req, res) => {
    const session = await cookieSession(prisma, req);
    if (session) await closeReviewerSession(prisma, session.id, new Date());
    setCookie(req, res, '', 0);
    res.status(204).end();
  });

  return router;
}
