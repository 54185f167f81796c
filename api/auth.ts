// Bearer API keys, each with a role and (portal, reviewer) an organisation.
// Routes say which roles they admit; queries are limited to the caller's
// organisation with `ownedBy`, and another organisation's object answers 404,
// exactly like one that does not exist.
import type { Request, RequestHandler, Response } from 'express';
import type { Role } from '../generated/prisma/enums.ts';
import type { ApiClient } from '../generated/prisma/client.ts';
import { AppError } from '../core/errors.ts';
import { findApiClient } from '../db/api-keys.ts';
import { recordAudit, type Actor } from '../db/audit.ts';
import type { Prisma } from '../db/index.ts';
import { actorFor, callerFrom, scopeOf, type Caller } from '../services/caller.ts';
import { cookieSession } from './review-session.ts';

/** The key of an `Authorization: Bearer <key>` header, if the request carries one. */
export const bearerKey = (req: Request): string | undefined =>
  /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];

/** A bearer key, or (for the reviewer workspace) its session cookie. */
export function authenticate(prisma: Prisma, onFailure: RequestHandler = (_req, _res, next) => next()): RequestHandler {
  return async (req, res, next) => {
    const key = bearerKey(req);
    const client = key ? await findApiClient(prisma, key) : (await cookieSession(prisma, req))?.client;
    if (!client) {
      // Counted by the failed-authentication limiter before the 401.
      return onFailure(req, res, (error?: unknown) => next(error ?? new AppError('unauthorized')));
    }
    res.locals.client = client;
    next();
  };
}

export function caller(res: Response): ApiClient {
  return res.locals.client as ApiClient;
}

/** The caller as the audit trail and the status history record it: its real role. */
export const actorOf = (res: Response): Actor => actorFor(caller(res));

/** The caller as the services take it. */
export const callerOf = (res: Response): Caller => callerFrom(caller(res));

/** A where-fragment for rows with an `organizationId`: the caller's organisation, or everything for an admin. */
export const ownedBy = (res: Response) => scopeOf(caller(res));

/**
 * Reads of personal data by staff (reviewers, admins) leave an audit event
 * under the reader's real role; the portal reading its own applicants does not.
 */
export async function auditStaffRead(
  prisma: Prisma,
  res: Response,
  read: { type: string; id: string; organizationId: string; action?: string; data?: object },
): Promise<void> {
  if (caller(res).role === 'portal') return;
  await prisma.$transaction((tx) =>
    recordAudit(tx, {
      actor: actorOf(res),
      action: read.action ?? `${read.type.toLowerCase()}.viewed`,
      entityType: read.type,
      entityId: read.id,
      organizationId: read.organizationId,
      data: read.data,
    }),
  );
}

export function allow(...roles: Role[]): RequestHandler {
  return (_req, res, next) => {
    const { role } = caller(res);
    if (!roles.includes(role)) throw new AppError('forbidden', { role });
    next();
  };
}
