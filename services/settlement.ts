// Settling an application once its last current document is finished:
//   1. read what its documents found (no lock held);
//   2. ask the registries (I/O, outside any transaction: a slow registry must
//      not hold database locks);
//   3. in one transaction, under the application's row lock: the face check,
//      the rules, the status transition.
// A registry that does not answer never decides anything: the application
// stays «В обработке» and is settled again later (the sweeper picks it up when
// `nextSettleAt` is due); after the last attempt it goes to a reviewer with
// `registry_unavailable`.
import type { Config } from '../core/config.ts';
import { clarificationDeadline } from '../core/lifecycle.ts';
import { errorMessage, log } from '../core/log.ts';
import { reasonMessage } from '../core/reasons.ts';
import type { Database } from '../db/index.ts';
import { recordAudit } from '../db/audit.ts';
import { transition } from './lifecycle.ts';
import * as applications from '../db/applications.ts';
import type { ApplicationForSettlement as StoredApplication } from '../db/applications.ts';
import type { Client, Json } from '../db/client.ts';
import * as documentsTable from '../db/documents.ts';
import * as runs from '../db/runs.ts';
import { challengeFact } from './liveness-sessions.ts';
import { applicationFaceCheck, applicationFacts, type SettledDocument } from '../pipeline/decision/facts.ts';
import { currentDocuments, decide, type ApplicationFacts } from '../pipeline/decision/index.ts';
import { readCheck, storedDetails } from '../pipeline/details.ts';
import { readExtracted } from '../pipeline/extracted.ts';
import { stayOf, type Stay } from '../pipeline/validators/migration.ts';
import {
  askRegistries,
  plannedLookups,
  unavailableRegistries,
  type RegistryAnswers,
  type RegistryPort,
} from '../pipeline/registry/index.ts';
import { verdicts } from '../core/metrics.ts';
import { backoff } from '../core/backoff.ts';

export interface SettleDeps {
  db: Database;
  registry: RegistryPort;
  config: Pick<Config, 'now' | 'registry' | 'faults' | 'clarification'>;
}

const SYSTEM = { type: 'system' } as const;

type StoredDocument = StoredApplication['documents'][number];

const finished = (documents: StoredDocument[]) =>
  documents.every((d) => d.status !== 'received' && d.status !== 'processing');

/** The latest liveness session as a fact; sessions run on wall-clock time, not the rules' date. */
const challengeOf = (application: StoredApplication) => challengeFact(application.livenessSessions[0], new Date());
/** Everything is in: every current document finished, and no liveness session still waiting for its frames. */
const ready = (application: StoredApplication) =>
  finished(currentDocuments(application.documents)) && challengeOf(application)?.status !== 'open';

const settledDocuments = (documents: StoredDocument[]): SettledDocument[] =>
  documents.map((document) => ({
    id: document.id,
    kind: document.kind,
    failed: document.status === 'failed',
    checks: document.runs.flatMap((run) => run.checks).map(readCheck),
  }));

function factsOf(application: StoredApplication, now: Date): ApplicationFacts {
  return applicationFacts({
    serviceType: application.serviceType,
    profile: { ...application.account, dateOfBirth: application.account.dateOfBirth.toISOString().slice(0, 10) },
    documents: settledDocuments(currentDocuments(application.documents)),
    ...(application.livenessSessions[0] ? { challenge: challengeOf(application) } : {}),
    now,
  });
}

/**
 * The application-level face check, stored as the selfie's `face` check and
 * replaced at every settlement, since either document may be uploaded again.
 */
async function settleFaceCheck(tx: Client, documents: StoredDocument[], faultStage?: string): Promise<void> {
  let face: ReturnType<typeof applicationFaceCheck>;
  try {
    if (faultStage === 'face') throw new Error('fault injected into face');
    face = applicationFaceCheck(settledDocuments(documents));
    if (face) face.verdict.details = storedDetails('face', face.verdict.details);
  } catch (error) {
    // Recorded, never skipped: a face check that did not run is not a pass.
    const selfie = documents.find((d) => d.kind === 'selfie' && d.status === 'processed');
    face = selfie && {
      selfieId: selfie.id,
      verdict: {
        outcome: 'error',
        reasonCode: 'stage_crashed',
        details: { stage: 'face', detail: errorMessage(error) },
      },
    };
  }
  const selfie = face && documents.find((d) => d.id === face.selfieId);
  const run = selfie?.runs.find((r) => r.status === 'succeeded');
  if (!face || !selfie || !run) return;
  const check = await runs.replaceCheck(
    tx,
    { id: run.id, documentId: selfie.id },
    {
      stage: 'face',
      outcome: face.verdict.outcome,
      reasonCode: face.verdict.reasonCode,
      score: face.verdict.score,
      details: {
        ...face.verdict.details,
        ...(face.portraitId ? { portraitDocumentId: face.portraitId } : {}),
      } as Json,
      durationMs: 0,
    },
  );
  run.checks = [...run.checks.filter((c) => c.stage !== 'face'), check];
}

/**
 * The stays of the applicant's earlier applications: every migration card read
 * in them. The same card twice, or overlapping cards, count each day once.
 */
export async function earlierStaysOf(tx: Client, accountId: string, applicationId: string): Promise<Stay[]> {
  const cards = await documentsTable.cardsOfOtherApplications(tx, accountId, applicationId);
  return cards.flatMap(({ extracted }) => stayOf(readExtracted(extracted).card?.fields) ?? []);
}

/** The same current documents, all still finished: nothing moved while the registries were asked. */
const sameDocuments = (a: StoredDocument[], b: StoredDocument[]) =>
  JSON.stringify(a.map((d) => [d.id, d.status]).sort()) === JSON.stringify(b.map((d) => [d.id, d.status]).sort());

export async function settleApplication(
  deps: SettleDeps,
  applicationId: string,
): Promise<'settled' | 'waiting' | 'retry_later'> {
  const { prisma } = deps.db;
  const before = await applications.findForSettlement(prisma, applicationId);
  if (!before || before.status !== 'processing' || !ready(before)) return 'waiting';
  const now = deps.config.now();
  const registries: RegistryAnswers = await askRegistries(deps.registry, plannedLookups(factsOf(before, now)));
  const unavailable = unavailableRegistries(registries);
  const { attempts, backoffMs } = deps.config.registry.settle;

  let settledTo: string | undefined;
  const outcome = await prisma.$transaction(async (tx) => {
    // Serialise settlements of one application: two documents may finish at once on two workers.
    const application = await applications.lockForSettlement(tx, applicationId);
    if (!application) return 'waiting';
    const documents = currentDocuments(application.documents);
    if (
      application.status !== 'processing' ||
      !ready(application) ||
      !sameDocuments(documents, currentDocuments(before.documents))
    )
      return 'waiting';
    if (unavailable.length && application.registryAttempts + 1 < attempts) {
      const nextSettleAt = new Date(
        Date.now() + backoff({ attempt: application.registryAttempts + 1, base: backoffMs }),
      );
      await applications.keepRegistryAnswers(tx, applicationId, registries as Json, { nextSettleAt });
      await recordAudit(tx, {
        actor: SYSTEM,
        action: 'application.registry_unavailable',
        entityType: 'Application',
        entityId: applicationId,
        organizationId: application.organizationId,
        data: { unavailable, attempt: application.registryAttempts + 1, nextSettleAt },
      });
      return 'retry_later';
    }
    await settleFaceCheck(tx, documents, deps.config.faults.stage);
    const facts = factsOf(application, now);
    const passportNumber = facts.documents.find((d) => d.kind === 'passport')?.mrz?.fields.documentNumber;
    const elsewhere = passportNumber
      ? await documentsTable.passportsNumberedElsewhere(tx, passportNumber, {
          organizationId: application.organizationId,
          notAccountId: application.accountId,
        })
      : [];
    const verdict = decide({
      ...facts,
      registries,
      earlierStays: await earlierStaysOf(tx, application.accountId, applicationId),
      ...(passportNumber && elsewhere.length
        ? {
            sameDocumentElsewhere: {
              documentNumber: passportNumber,
              applicationIds: [...new Set(elsewhere.map((d) => d.applicationId))],
            },
          }
        : {}),
    });
    await applications.keepRegistryAnswers(tx, applicationId, registries as Json, undefined);
    await transition(tx, applicationId, {
      to: verdict.status,
      actor: SYSTEM,
      reason: verdict.reasons[0] ? reasonMessage(verdict.reasons[0].code, {}, 'en') : 'all automatic checks passed',
      reasons: verdict.reasons,
      missingDocuments: verdict.missingDocuments,
      fired: verdict.fired,
      deadline: clarificationDeadline(now, deps.config.clarification.days),
    });
    settledTo = verdict.status;
    return 'settled' as const;
  });
  if (settledTo) verdicts.inc({ status: settledTo });
  return outcome;
}

/** Settlement after a document finished: a failure here is left to the sweeper, never to the document's job. */
export async function settleSafely(deps: SettleDeps, applicationId: string): Promise<void> {
  try {
    await settleApplication(deps, applicationId);
  } catch (error) {
    log.warn('settlement failed; the sweeper will try again', { applicationId, error: errorMessage(error) });
  }
}

/**
 * Applications waiting for a settlement: a registry retry that is due, or one
 * whose documents all finished without it settling (a worker that died between
 * storing a document and settling).
 */
export async function settleDue(deps: SettleDeps, olderThanMs = 30_000): Promise<number> {
  const due = await applications.dueForSettlement(deps.db.prisma, new Date(), olderThanMs);
  let settled = 0;
  for (const { id } of due) if ((await settleApplication(deps, id).catch(() => 'waiting')) === 'settled') settled++;
  return settled;
}
