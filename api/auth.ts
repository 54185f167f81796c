// Bearer API keys, each with a role; routes say which roles they admit.
import type { RequestHandler, Response } from 'express';
import type { Role } from '../generated/prisma/enums.ts';
import type { ApiClient } from '../generated/prisma/client.ts';
import { AppError } from '../core/errors.ts';
import { findApiClient } from '../db/api-keys.ts';
import type { Prisma } from '../db/index.ts';

export function authenticate(prisma: Prisma): RequestHandler {
  return async (req, res, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    const client = match ? await findApiClient(prisma, match[1]!) : undefined;
    if (!client) throw new AppError('unauthorized');
    res.locals.client = client;
    next();
  };
}

export function caller(res: Response): ApiClient {
  return res.locals.client as ApiClient;
}

export function allow(...roles: Role[]): RequestHandler {
  return (_req, res, next) => {
    const { role } = caller(res);
    if (!roles.includes(role)) throw new AppError('forbidden', { role });
    next();
  };
}
