// API keys: random, shown once, stored only as a SHA-256 hash (the keys carry
// 256 bits of entropy, so a plain hash cannot be brute-forced). Portal and
// reviewer keys belong to an organisation; admin keys are global. Workspace
// session tokens are random and hashed the same way.
import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../generated/prisma/enums.ts';
import type { Prisma } from './index.ts';
import { DEFAULT_ORGANIZATION_ID } from './organizations.ts';

export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export interface NewApiKey {
  role: Role;
  name: string;
  /** Portal and reviewer keys: their organisation (the default one when omitted). Ignored for admin keys. */
  organizationId?: string;
}

export async function createApiKey(prisma: Prisma, { role, name, organizationId }: NewApiKey) {
  const key = `dv_${role}_${randomBytes(32).toString('base64url')}`;
  const client = await prisma.apiClient.create({
    data: {
      name,
      role,
      organizationId: role === 'admin' ? null : (organizationId ?? DEFAULT_ORGANIZATION_ID),
      keyHash: hashKey(key),
      keyPrefix: key.slice(0, role.length + 8),
    },
  });
  return { key, client };
}

export async function findApiClient(prisma: Prisma, key: string) {
  const client = await prisma.apiClient.findUnique({ where: { keyHash: hashKey(key) } });
  if (!client || client.revokedAt) return undefined;
  // Record use at most once a minute, not on every request.
  if (!client.lastUsedAt || Date.now() - client.lastUsedAt.getTime() > 60_000) {
    await prisma.apiClient.update({ where: { id: client.id }, data: { lastUsedAt: new Date() } });
  }
  return client;
}

export const listApiClients = (prisma: Prisma) => prisma.apiClient.findMany({ orderBy: { createdAt: 'asc' } });

export const countApiClients = (prisma: Prisma) => prisma.apiClient.count();

export const revokeApiClient = (prisma: Prisma, id: string) =>
  prisma.apiClient.update({ where: { id }, data: { revokedAt: new Date() } });
