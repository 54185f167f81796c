// What the API shows of stored records. Messages are rendered from reason
// codes here, so stored rows keep codes and parameters only.
import type { Prisma as PrismaNs } from '../generated/prisma/client.ts';
import { STATUS_LABEL_RU } from '../core/lifecycle.ts';
import { REASONS, reasonMessage, type ReasonCode } from '../core/reasons.ts';
import { currentDocuments } from '../pipeline/decision/index.ts';
import { IMPLEMENTED_STAGES } from '../pipeline/stages.ts';

export const documentInclude = {
  runs: { orderBy: { attempt: 'asc' }, include: { checks: true } },
} as const satisfies PrismaNs.DocumentInclude;

type DocumentRow = PrismaNs.DocumentGetPayload<{ include: typeof documentInclude }>;
type CheckRow = DocumentRow['runs'][number]['checks'][number];

/** Checks in the order the pipeline ran them (rows of one run share their timestamp). */
const STAGE_ORDER: string[] = [...IMPLEMENTED_STAGES, 'pipeline'];
const inPipelineOrder = (checks: CheckRow[]) => [...checks].sort((a, b) => STAGE_ORDER.indexOf(a.stage) - STAGE_ORDER.indexOf(b.stage));

function checkView(check: CheckRow) {
  const code = check.reasonCode && check.reasonCode in REASONS ? (check.reasonCode as ReasonCode) : undefined;
  const params = check.details as Record<string, string | number>;
  return {
    stage: check.stage,
    outcome: check.outcome,
    reasonCode: check.reasonCode,
    message: code ? reasonMessage(code, params, 'en') : null,
    messageRu: code ? reasonMessage(code, params, 'ru') : null,
    score: check.score,
    durationMs: check.durationMs,
    details: check.details,
  };
}

export function documentView(document: DocumentRow, current = true) {
  // The checks that count are those of the run that finished the document.
  const finished = [...document.runs].reverse().find((run) => run.checks.length > 0);
  return {
    id: document.id,
    applicationId: document.applicationId,
    kind: document.kind,
    status: document.status,
    current,
    contentType: document.contentType,
    sizeBytes: document.sizeBytes,
    pageCount: document.pageCount,
    width: document.width,
    height: document.height,
    sha256: document.sha256,
    originalName: document.originalName,
    createdAt: document.createdAt,
    processedAt: document.processedAt,
    extracted: document.extracted,
    checks: finished ? inPipelineOrder(finished.checks).map(checkView) : [],
    runs: document.runs.map((run) => ({
      id: run.id,
      attempt: run.attempt,
      status: run.status,
      worker: run.worker,
      error: run.error,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
    })),
  };
}

export const applicationInclude = {
  documents: { orderBy: { createdAt: 'asc' }, include: documentInclude },
  history: { orderBy: { createdAt: 'asc' } },
} as const satisfies PrismaNs.ApplicationInclude;

type ApplicationRow = PrismaNs.ApplicationGetPayload<{ include: typeof applicationInclude }>;

export function applicationSummary(application: Omit<ApplicationRow, 'documents' | 'history'>) {
  return {
    id: application.id,
    accountId: application.accountId,
    serviceType: application.serviceType,
    status: application.status,
    statusLabel: STATUS_LABEL_RU[application.status],
    reasons: application.reasons,
    missingDocuments: application.missingDocuments,
    createdAt: application.createdAt,
    updatedAt: application.updatedAt,
    decidedAt: application.decidedAt,
  };
}

export function applicationView(application: ApplicationRow) {
  const current = new Set(currentDocuments(application.documents).map((d) => d.id));
  return {
    ...applicationSummary(application),
    documents: application.documents.map((document) => documentView(document, current.has(document.id))),
    history: application.history.map((entry) => ({
      from: entry.fromStatus,
      to: entry.toStatus,
      toLabel: STATUS_LABEL_RU[entry.toStatus],
      actorType: entry.actorType,
      actorId: entry.actorId,
      reason: entry.reason,
      reasonCodes: entry.reasonCodes,
      at: entry.createdAt,
    })),
  };
}
