// Reviewer workspace sessions: a reviewer key is exchanged once for a random
// session token (kept in an HttpOnly cookie, stored here only as its hash) and
// a CSRF token the workspace echoes on every state-changing request. Sign-out
// revokes the row, so a copied cookie stops working at once.
import { randomBytes } from 'node:crypto';
import { hashKey } from './api-keys.ts';
import type { Prisma } from './index.ts';

/** A workday: a reviewer signs in once in the morning. */
export const SESSION_HOURS = 8;

export async function openReviewerSession(prisma: Prisma, clientId: string, now: Date) {
  const token = randomBytes(32).toString('base64url');
  const session = await prisma.reviewerSession.create({
    data: {
      clientId,
      tokenHash: hashKey(token),
      csrfToken: randomBytes(24).toString('base64url'),
      expiresAt: new Date(now.getTime() + SESSION_HOURS * 3_600_000),
    },
    include: { client: true },
  });
  return { token, session };
}

/** The live session of a cookie token, with its reviewer: not revoked, not expired, the key not revoked. */
export async function findReviewerSession(prisma: Prisma, token: string, now: Date) {
  const session = await prisma.reviewerSession.findUnique({
    where: { tokenHash: hashKey(token) },
    include: { client: true },
  });
  if (!session || session.revokedAt || session.expiresAt <= now || session.client.revokedAt) return undefined;
  return session;
}

export async function closeReviewerSession(prisma: Prisma, id: string, now: Date): Promise<void> {
  await prisma.reviewerSession.update({ where: { id }, data: { revokedAt: now } });
}
