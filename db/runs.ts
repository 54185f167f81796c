// The VerificationRun and CheckResult tables: a document's processing attempts
// and the check each stage stored in one.
import type { CheckOutcome } from '../generated/prisma/enums.ts';
import type { Client, Json } from './client.ts';

export interface StoredCheck {
  stage: string;
  outcome: CheckOutcome;
  reasonCode?: string | null;
  score?: number | null;
  details: Json;
  durationMs: number;
}

/** A new attempt at a document, numbered after the earlier ones (call under the document's row lock). */
export const open = async (tx: Client, run: { applicationId: string; documentId: string; worker: string }) =>
  tx.verificationRun.create({
    data: { ...run, attempt: (await tx.verificationRun.count({ where: { documentId: run.documentId } })) + 1 },
  });

export const fail = (db: Client, id: string, error: string) =>
  db.verificationRun.update({ where: { id }, data: { status: 'failed', finishedAt: new Date(), error } });

/** A run that lost: another run of its document finished first. */
export const interrupt = (db: Client, id: string, error: string) =>
  db.verificationRun.update({ where: { id }, data: { status: 'interrupted', finishedAt: new Date(), error } });

/** Runs still marked running besides `runId`: their workers died mid-job, or lost the race. */
export const interruptOthers = (tx: Client, documentId: string, runId: string, error: string) =>
  tx.verificationRun.updateMany({
    where: { documentId, status: 'running', id: { not: runId } },
    data: { status: 'interrupted', finishedAt: new Date(), error },
  });

/** Stores a run's checks; a processed document's run succeeded, a failed one keeps its failed status. */
export async function complete(
  tx: Client,
  run: { id: string; documentId: string },
  checks: StoredCheck[],
  succeeded: boolean,
) {
  await tx.checkResult.createMany({ data: checks.map((check) => checkRow(run, check)) });
  await tx.verificationRun.update({
    where: { id: run.id },
    data: succeeded ? { status: 'succeeded', finishedAt: new Date() } : { finishedAt: new Date() },
  });
}

/** Replaces the document's check of `check.stage` with this one, stored under `run`. */
export async function replaceCheck(tx: Client, run: { id: string; documentId: string }, check: StoredCheck) {
  await tx.checkResult.deleteMany({ where: { documentId: run.documentId, stage: check.stage } });
  return tx.checkResult.create({ data: checkRow(run, check) });
}

const checkRow = (run: { id: string; documentId: string }, check: StoredCheck) => ({
  runId: run.id,
  documentId: run.documentId,
  stage: check.stage,
  outcome: check.outcome,
  reasonCode: check.reasonCode ?? null,
  score: check.score ?? null,
  details: check.details,
  durationMs: check.durationMs,
});

/** Erasure: the checks' details and the runs' error texts of the application's documents. */
export async function eraseOfApplication(tx: Client, applicationId: string) {
  await tx.checkResult.updateMany({ where: { document: { applicationId } }, data: { details: {} } });
  await tx.verificationRun.updateMany({ where: { applicationId }, data: { error: null } });
}
