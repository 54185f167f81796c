// What the API shows of stored records: every response body is built here by
// a mapper and parsed through a zod view schema, so nothing stored reaches a
// client unless a view names it (the review case and the act's content are
// built from the same views). Check details have a view per stage; face
// descriptors (biometric templates) and blob keys are in none of them, so they
// never leave the service. Messages are rendered from reason codes here.
import { z } from 'zod';
import type { Prisma as PrismaNs } from '../generated/prisma/client.ts';
import {
  ApplicationStatus,
  CheckOutcome,
  DeliveryStatus,
  DocumentKind,
  DocumentStatus,
  LivenessSessionStatus,
  RunStatus,
  ServiceType,
} from '../generated/prisma/enums.ts';
import { STATUS_LABEL_RU } from '../core/lifecycle.ts';
import { REASONS, reasonMessage, type ReasonCode } from '../core/reasons.ts';
import { currentDocuments } from '../pipeline/decision/index.ts';
import { STAGE_ORDER } from '../pipeline/stages.ts';
import { isCheckStage, reasonParams, STAGE_DETAILS } from '../pipeline/details.ts';
import { ExtractedSchema, readExtracted } from '../pipeline/extracted.ts';
import type { ApplicationWithDocuments } from '../db/applications.ts';
import type { LivenessSessionRow } from '../db/liveness-sessions.ts';
import type { DeliveryRow } from '../db/webhook-deliveries.ts';
import type { documentInclude } from '../db/documents.ts';

type DocumentRow = PrismaNs.DocumentGetPayload<{ include: typeof documentInclude }>;
type CheckRow = DocumentRow['runs'][number]['checks'][number];

// ---- Check details ----------------------------------------------------------

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
/** Biometric templates and blob keys stay inside the service. */
const INTERNAL = new Set(['descriptor', 'descriptors', 'artifacts']);

/**
 * A check's details as the API shows them: the fields its stage's schema knows
 * (read back through it) and the reason's parameters (scalars), never a face
 * template or a blob key.
 */
function detailsView(stage: string, stored: unknown): Record<string, unknown> {
  const known = STAGE_DETAILS[isCheckStage(stage) ? stage : 'pipeline'];
  const read = known.safeParse(stored ?? {});
  if (!read.success) return {};
  return Object.fromEntries(
    Object.entries(read.data).filter(
      ([name, value]) => !INTERNAL.has(name) && (Object.hasOwn(known.shape, name) || scalar.safeParse(value).success),
    ),
  );
}

// ---- Views ------------------------------------------------------------------

const ReasonView = z.object({ code: z.string(), message: z.string(), messageRu: z.string() });
const MissingDocumentView = z.object({
  kind: z.enum(DocumentKind),
  documentId: z.string().optional(),
  reasonCode: z.string(),
  message: z.string().optional(),
  messageRu: z.string().optional(),
});

export const CheckView = z.object({
  stage: z.string(),
  outcome: z.enum(CheckOutcome),
  reasonCode: z.string().nullable(),
  message: z.string().nullable(),
  messageRu: z.string().nullable(),
  score: z.number().nullable(),
  durationMs: z.number(),
  details: z.record(z.string(), z.unknown()),
});

export const DocumentView = z.object({
  id: z.string(),
  applicationId: z.string(),
  kind: z.enum(DocumentKind),
  status: z.enum(DocumentStatus),
  current: z.boolean(),
  contentType: z.string(),
  sizeBytes: z.number(),
  pageCount: z.number(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  sha256: z.string(),
  originalName: z.string().nullable(),
  createdAt: z.date(),
  processedAt: z.date().nullable(),
  /** Fields read from the document: the MRZ, the printed zone, the migration card; never a face descriptor. */
  extracted: ExtractedSchema.pick({ mrz: true, viz: true, card: true }).nullable(),
  checks: z.array(CheckView),
  runs: z.array(
    z.object({
      id: z.string(),
      attempt: z.number(),
      status: z.enum(RunStatus),
      worker: z.string(),
      error: z.string().nullable(),
      startedAt: z.date(),
      finishedAt: z.date().nullable(),
    }),
  ),
});

export const ApplicationSummaryView = z.object({
  id: z.string(),
  accountId: z.string(),
  serviceType: z.enum(ServiceType),
  status: z.enum(ApplicationStatus),
  statusLabel: z.string(),
  reasons: z.array(ReasonView),
  missingDocuments: z.array(MissingDocumentView),
  createdAt: z.date(),
  updatedAt: z.date(),
  decidedAt: z.date().nullable(),
  /** In «Требуется уточнение»: when the documents are due. */
  clarificationDueAt: z.date().nullable(),
  erased: z.boolean(),
});

/** A liveness session: its steps and verdict, never the nonce (only the answer that opened it has it) nor any frame or face template. */
export const LivenessSessionView = z.object({
  id: z.string(),
  applicationId: z.string(),
  steps: z.array(z.string()),
  status: z.enum(LivenessSessionStatus),
  reasonCode: z.string().nullable(),
  message: z.string().nullable(),
  messageRu: z.string().nullable(),
  expiresAt: z.date(),
  createdAt: z.date(),
  completedAt: z.date().nullable(),
  moves: z.array(z.object({ step: z.string(), change: z.number(), ok: z.boolean() })),
  frames: z.array(
    z.object({
      liveness: z.string(),
      score: z.number(),
      reasons: z.array(z.string()),
      reasonCode: z.string().optional(),
    }),
  ),
});
export const OpenedLivenessSessionView = LivenessSessionView.extend({
  /** Send it back with the frames; it is shown once. */
  nonce: z.string(),
  framesExpected: z.number(),
  framesUrl: z.string(),
});

export const ApplicationView = ApplicationSummaryView.extend({
  documents: z.array(DocumentView),
  livenessSessions: z.array(LivenessSessionView),
  history: z.array(
    z.object({
      from: z.enum(ApplicationStatus).nullable(),
      to: z.enum(ApplicationStatus),
      toLabel: z.string(),
      actorType: z.string(),
      actorId: z.string().nullable(),
      reason: z.string(),
      reasonCodes: z.array(z.string()),
      at: z.date(),
    }),
  ),
});

export const ReviewQueueItemView = ApplicationSummaryView.extend({
  waitingMinutes: z.number(),
  claimedBy: z.string().nullable(),
  claimedByName: z.string().nullable(),
  leaseExpiresAt: z.date().nullable(),
});

export const ClaimView = z.object({
  reviewId: z.string(),
  applicationId: z.string(),
  leaseExpiresAt: z.date().nullable(),
});

export const NotificationView = z.object({
  id: z.string(),
  accountId: z.string(),
  applicationId: z.string().nullable(),
  type: z.string(),
  payload: z.record(z.string(), z.unknown()),
  readAt: z.date().nullable(),
  createdAt: z.date(),
});

export const DeliveryView = z.object({
  id: z.string(),
  organizationId: z.string(),
  notificationId: z.string(),
  url: z.string(),
  event: z.string(),
  status: z.enum(DeliveryStatus),
  attempts: z.number(),
  nextAttemptAt: z.date(),
  lastStatusCode: z.number().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.date(),
  deliveredAt: z.date().nullable(),
});

/** What the act's QR code answers, to anyone: no more personal data than a masked name. */
export const ActVerificationView = z.object({
  genuine: z.literal(true),
  /** False once the decision the act attests was replaced. */
  current: z.boolean(),
  applicationId: z.string(),
  status: z.enum(ApplicationStatus),
  statusLabel: z.string(),
  decidedAt: z.date(),
  applicant: z.string().nullable(),
  validUntil: z.date(),
});

export const UploadAcceptedView = z.object({
  documentId: z.string(),
  applicationId: z.string(),
  kind: z.enum(DocumentKind),
  contentType: z.string(),
  status: z.literal('received'),
  statusUrl: z.string(),
  applicationUrl: z.string(),
});

/** A reviewer signed in to the workspace: who, until when, and the token to echo in X-CSRF-Token. */
export const ReviewerSessionView = z.object({
  reviewer: z.object({ id: z.string(), name: z.string(), role: z.enum(['reviewer', 'admin']) }),
  csrfToken: z.string(),
  expiresAt: z.date(),
});

/** One field as the MRZ, the printed zone and the applicant's profile give it. */
const ComparisonRow = z.object({
  field: z.string(),
  label: z.string(),
  mrz: z.string().nullable(),
  viz: z.string().nullable(),
  profile: z.string().nullable(),
  /** How the profile's Cyrillic name is written in Latin letters, or what differs. */
  note: z.string().nullable(),
  /** False when two of the sources that have a value differ. */
  agrees: z.boolean(),
});

/** Everything a reviewer needs to decide a case, in one answer. */
export const ReviewCaseView = z.object({
  application: ApplicationView,
  applicant: z
    .object({
      surnameLatin: z.string(),
      givenNamesLatin: z.string(),
      surnameCyrillic: z.string().nullable(),
      givenNamesCyrillic: z.string().nullable(),
      dateOfBirth: z.date(),
      sex: z.string(),
      citizenship: z.string(),
    })
    .nullable(),
  comparison: z.array(ComparisonRow),
  registries: z.array(
    z.object({
      registry: z.string(),
      label: z.string(),
      status: z.enum(['found', 'not_found', 'unavailable']),
      detail: z.string().nullable(),
    }),
  ),
  claim: z
    .object({ reviewerId: z.string(), reviewerName: z.string(), leaseExpiresAt: z.date(), mine: z.boolean() })
    .nullable(),
  waitingMinutes: z.number(),
});

// Lists and small answers: each a view too.
export const AccountApplicationsView = z.object({
  accountId: z.string(),
  applications: z.array(ApplicationSummaryView),
});
export const NotificationListView = z.object({ accountId: z.string(), notifications: z.array(NotificationView) });
export const ReviewQueueView = z.object({ applications: z.array(ReviewQueueItemView) });
export const DeliveryListView = z.object({ deliveries: z.array(DeliveryView) });
export const ErasureView = z.object({ accountId: z.string(), applications: z.number() });
export const ErrorView = z.object({
  error: z.object({ code: z.string(), message: z.string(), messageRu: z.string(), field: z.string().optional() }),
});

// ---- Mappers ----------------------------------------------------------------

/** Checks in the order the pipeline ran them (rows of one run share their timestamp). */
const order = (stage: string) => (STAGE_ORDER as readonly string[]).indexOf(stage);
const inPipelineOrder = (checks: CheckRow[]) => [...checks].sort((a, b) => order(a.stage) - order(b.stage));

function checkView(check: CheckRow): z.infer<typeof CheckView> {
  const code = check.reasonCode && check.reasonCode in REASONS ? (check.reasonCode as ReasonCode) : undefined;
  const details = detailsView(check.stage, check.details);
  const params = reasonParams(details);
  return {
    stage: check.stage,
    outcome: check.outcome,
    reasonCode: check.reasonCode,
    message: code ? reasonMessage(code, params, 'en') : null,
    messageRu: code ? reasonMessage(code, params, 'ru') : null,
    score: check.score,
    durationMs: check.durationMs,
    details,
  };
}

export function documentView(document: DocumentRow, current = true) {
  // The checks that count are those of the run that finished the document.
  const finished = [...document.runs].reverse().find((run) => run.checks.length > 0);
  return DocumentView.parse({
    ...document,
    // Erased documents hold null; what was stored is read through its schema.
    extracted: document.extracted === null ? null : readExtracted(document.extracted),
    current,
    checks: finished ? inPipelineOrder(finished.checks).map(checkView) : [],
    runs: document.runs,
  });
}

type ApplicationRow = ApplicationWithDocuments;

/** What a session's stored judgement holds (services/liveness-sessions.ts writes it). */
const StoredJudgement = z
  .object({
    challenge: z.object({ moves: LivenessSessionView.shape.moves }).partial(),
    frames: LivenessSessionView.shape.frames,
    params: z.record(z.string(), z.union([z.string(), z.number()])),
  })
  .partial();

export function livenessSessionView(session: LivenessSessionRow) {
  const judgement = StoredJudgement.safeParse(session.result ?? {});
  const stored = judgement.success ? judgement.data : {};
  const code = session.reasonCode as ReasonCode | null;
  return LivenessSessionView.parse({
    ...session,
    message: code ? reasonMessage(code, stored.params, 'en') : null,
    messageRu: code ? reasonMessage(code, stored.params, 'ru') : null,
    moves: stored.challenge?.moves ?? [],
    frames: stored.frames ?? [],
  });
}

export function openedLivenessSessionView(session: LivenessSessionRow, nonce: string) {
  return OpenedLivenessSessionView.parse({
    ...livenessSessionView(session),
    nonce,
    framesExpected: session.steps.length + 1,
    framesUrl: `/v1/liveness-sessions/${session.id}/frames`,
  });
}

export function applicationSummary(application: Omit<ApplicationRow, 'documents' | 'history' | 'livenessSessions'>) {
  return ApplicationSummaryView.parse({
    ...application,
    statusLabel: STATUS_LABEL_RU[application.status],
    erased: application.erasedAt !== null,
  });
}

export function applicationView(application: ApplicationRow) {
  const current = new Set(currentDocuments(application.documents).map((d) => d.id));
  return ApplicationView.parse({
    ...applicationSummary(application),
    documents: application.documents.map((document) => documentView(document, current.has(document.id))),
    livenessSessions: application.livenessSessions.map(livenessSessionView),
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
  });
}

export function reviewQueueItem(
  application: Parameters<typeof applicationSummary>[0],
  claim: { reviewerId: string | null; leaseExpiresAt: Date | null; reviewer: { name: string } | null } | undefined,
  now: Date,
) {
  return ReviewQueueItemView.parse({
    ...applicationSummary(application),
    waitingMinutes: Math.floor((now.getTime() - application.updatedAt.getTime()) / 60_000),
    claimedBy: claim?.reviewerId ?? null,
    claimedByName: claim?.reviewer?.name ?? null,
    leaseExpiresAt: claim?.leaseExpiresAt ?? null,
  });
}

export const claimView = (review: { id: string; applicationId: string; leaseExpiresAt: Date | null }) =>
  ClaimView.parse({ reviewId: review.id, applicationId: review.applicationId, leaseExpiresAt: review.leaseExpiresAt });

export const reviewerSessionView = (session: {
  csrfToken: string;
  expiresAt: Date;
  client: { id: string; name: string; role: string };
}) =>
  ReviewerSessionView.parse({ reviewer: session.client, csrfToken: session.csrfToken, expiresAt: session.expiresAt });

export const notificationView = (notification: PrismaNs.NotificationGetPayload<object>) =>
  NotificationView.parse(notification);
export const deliveryView = (delivery: DeliveryRow) => DeliveryView.parse(delivery);

export function uploadAccepted(upload: {
  documentId: string;
  applicationId: string;
  kind: DocumentKind;
  contentType: string;
}) {
  const statusUrl = `/v1/documents/${upload.documentId}`;
  return UploadAcceptedView.parse({
    ...upload,
    status: 'received',
    statusUrl,
    applicationUrl: `/v1/applications/${upload.applicationId}`,
  });
}
