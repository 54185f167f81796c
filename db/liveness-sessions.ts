// The LivenessSession table: active challenges, their nonces and verdicts.
import { Prisma as PrismaNs } from '../generated/prisma/client.ts';
import type { Client, Scope } from './client.ts';

export type LivenessSessionRow = PrismaNs.LivenessSessionGetPayload<object>;

export const create = (tx: Client, data: PrismaNs.LivenessSessionUncheckedCreateInput) =>
  tx.livenessSession.create({ data });

export const find = (db: Client, id: string, scope: Scope) => db.livenessSession.findFirst({ where: { id, ...scope } });

export const get = (db: Client, id: string) => db.livenessSession.findUniqueOrThrow({ where: { id } });

/** Another session of the organisation that was sent one of these frames. */
export const withAnyFrame = (db: Client, session: { id: string; organizationId: string }, frameHashes: string[]) =>
  db.livenessSession.findFirst({
    where: { organizationId: session.organizationId, id: { not: session.id }, frameHashes: { hasSome: frameHashes } },
    select: { id: true },
  });

/** Stores the verdict if the session is still open; false when another submission completed it first. */
export async function complete(
  tx: Client,
  id: string,
  verdict: Pick<PrismaNs.LivenessSessionUpdateInput, 'status' | 'reasonCode' | 'result' | 'frameHashes'>,
): Promise<boolean> {
  const completed = await tx.livenessSession.updateMany({
    where: { id, status: 'open' },
    data: { ...verdict, completedAt: new Date() },
  });
  return completed.count > 0;
}

/** Erasure: a session keeps its status and reason; its judgement and the hashes of its frames go. */
export const eraseOfApplication = (tx: Client, applicationId: string) =>
  tx.livenessSession.updateMany({ where: { applicationId }, data: { result: PrismaNs.DbNull, frameHashes: [] } });
