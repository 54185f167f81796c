// Active liveness sessions.
// Opening one asks for random moves with a single-use nonce and an expiry, and
// puts the application back to «В обработке»: no verdict is given while a
// session is open. Its frames are sent once; the session is then judged —
// nonce, time, frames never seen before, then the frames themselves — and the
// application settled with the session's verdict among its rule inputs.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { AppError } from '../core/errors.ts';
import { acceptsDocuments } from '../core/lifecycle.ts';
import type { ReasonCode, ReasonParams } from '../core/reasons.ts';
import type { Json, Scope } from '../db/client.ts';
import * as applications from '../db/applications.ts';
import * as sessions from '../db/liveness-sessions.ts';
import type { LivenessSessionRow } from '../db/liveness-sessions.ts';
import type { JudgedChallenge } from '../pipeline/face/session.ts';
import { drawSteps, type ChallengeStep } from '../pipeline/liveness/challenge.ts';
import { recordAudit, type Actor } from '../db/audit.ts';
import type { Prisma } from '../db/index.ts';
import { transition } from './lifecycle.ts';

export interface SessionSettings {
  steps: readonly ChallengeStep[];
  stepCount: number;
  sessionTtlMs: number;
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

export async function openLivenessSession(
  prisma: Prisma,
  input: { applicationId: string; scope: Scope; actor: Actor; clientId: string; settings: SessionSettings; now: Date },
): Promise<{ session: LivenessSessionRow; nonce: string }> {
  const nonce = randomBytes(24).toString('base64url');
  const session = await prisma.$transaction(async (tx) => {
    const application = await applications.lockAndFind(tx, input.applicationId, input.scope);
    if (!application) throw new AppError('not_found', { entity: 'Application' });
    if (!acceptsDocuments(application.status)) throw new AppError('application_closed', { status: application.status });
    const created = await sessions.create(tx, {
      organizationId: application.organizationId,
      applicationId: application.id,
      steps: drawSteps(input.settings.steps, input.settings.stepCount, randomInt),
      nonceHash: sha256(nonce),
      expiresAt: new Date(input.now.getTime() + input.settings.sessionTtlMs),
      createdById: input.clientId,
    });
    await recordAudit(tx, {
      actor: input.actor,
      action: 'liveness_session.opened',
      entityType: 'LivenessSession',
      entityId: created.id,
      organizationId: application.organizationId,
      data: { applicationId: application.id, steps: created.steps, expiresAt: created.expiresAt },
    });
    if (application.status !== 'processing')
      await transition(tx, application.id, { to: 'processing', actor: input.actor, reason: 'liveness session opened' });
    return created;
  });
  return { session, nonce };
}

export async function findLivenessSession(prisma: Prisma, id: string, scope: Scope): Promise<LivenessSessionRow> {
  const session = await sessions.find(prisma, id, scope);
  if (!session) throw new AppError('not_found', { entity: 'LivenessSession' });
  return session;
}

interface SessionVerdict {
  status: 'passed' | 'failed';
  reasonCode?: ReasonCode;
  params?: ReasonParams;
  judged?: JudgedChallenge;
}

/** What the session's own facts say before any frame is looked at, or undefined when they allow judging the frames. */
async function refusal(
  prisma: Prisma,
  session: LivenessSessionRow,
  nonce: string,
  frameHashes: string[],
  now: Date,
): Promise<SessionVerdict | undefined> {
  const [sent, kept] = [Buffer.from(sha256(nonce), 'hex'), Buffer.from(session.nonceHash, 'hex')];
  if (!timingSafeEqual(sent, kept)) return { status: 'failed', reasonCode: 'challenge_nonce_invalid' };
  if (now > session.expiresAt)
    return {
      status: 'failed',
      reasonCode: 'challenge_expired',
      params: { expiresAt: session.expiresAt.toISOString() },
    };
  const earlier = await sessions.withAnyFrame(prisma, session, frameHashes);
  if (earlier)
    return {
      status: 'failed',
      reasonCode: 'challenge_replayed',
      params: { detail: `frames of liveness session ${earlier.id}` },
    };
  return undefined;
}

/**
 * Judges a session's frames, once. A session already completed refuses any
 * further frames (`challenge_replayed`, nothing changes); otherwise the verdict
 * is stored, audited, and returned — a failed session is a result, not an error.
 */
export async function completeLivenessSession(
  prisma: Prisma,
  input: {
    sessionId: string;
    scope: Scope;
    actor: Actor;
    nonce: string;
    frames: Buffer[];
    judge: (steps: ChallengeStep[]) => Promise<JudgedChallenge>;
    now: Date;
  },
): Promise<LivenessSessionRow> {
  const session = await findLivenessSession(prisma, input.sessionId, input.scope);
  const alreadyUsed = () =>
    new AppError('challenge_replayed', {
      detail: `liveness session ${session.id} was completed at ${session.completedAt?.toISOString() ?? 'an earlier request'}`,
    });
  if (session.status !== 'open') throw alreadyUsed();
  const frameHashes = input.frames.map(sha256);
  let verdict = await refusal(prisma, session, input.nonce, frameHashes, input.now);
  if (!verdict) {
    const judged = await input.judge(session.steps as ChallengeStep[]);
    const [problem] = judged.challenge.problems;
    verdict = problem
      ? { status: 'failed', reasonCode: problem.code, params: problem.params, judged }
      : { status: 'passed', judged };
  }
  const { status, reasonCode, params, judged } = verdict;
  return prisma.$transaction(async (tx) => {
    // Only the first of two racing submissions completes the session.
    const completed = await sessions.complete(tx, session.id, {
      status,
      reasonCode: reasonCode ?? null,
      result: {
        ...(params ? { params } : {}),
        ...(judged ? { challenge: judged.challenge, frames: judged.frames } : {}),
      } as Json,
      frameHashes,
    });
    if (!completed) throw alreadyUsed();
    await recordAudit(tx, {
      actor: input.actor,
      action: 'liveness_session.completed',
      entityType: 'LivenessSession',
      entityId: session.id,
      organizationId: session.organizationId,
      data: {
        applicationId: session.applicationId,
        status,
        reasonCode: reasonCode ?? null,
        frames: input.frames.length,
      },
    });
    return sessions.get(tx, session.id);
  });
}

/** The application's latest session as a rule input: an open one past its expiry has failed. */
export function challengeFact(
  session: Pick<LivenessSessionRow, 'status' | 'reasonCode' | 'expiresAt'> | undefined,
  now: Date,
) {
  if (!session) return undefined;
  if (session.status === 'open')
    return session.expiresAt < now
      ? { status: 'failed' as const, reasonCode: 'challenge_expired' }
      : { status: 'open' as const };
  return { status: session.status, reasonCode: session.reasonCode ?? undefined };
}
