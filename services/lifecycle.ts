// Moves an application between statuses: the only writer of Application.status.
// Every move is checked against the transition table and leaves a history row,
// an audit event and a notification for the applicant, in the caller's transaction.
import type { ApplicationStatus } from '../generated/prisma/enums.ts';
import { canTransition, STATUS_LABEL_RU } from '../core/lifecycle.ts';
import type { ReasonEntry } from '../core/reasons.ts';
import type { FiredRule, MissingDocument } from '../pipeline/decision/index.ts';
import * as applications from '../db/applications.ts';
import { recordAudit, type Actor } from '../db/audit.ts';
import type { Client as Tx } from '../db/client.ts';
import * as statusHistory from '../db/status-history.ts';
import { notify } from './notifications.ts';

export type { Actor };

export class IllegalTransitionError extends Error {}

/** What the applicant is told a move means; other moves are plain status changes. */
const NOTIFICATION_TYPE: Partial<Record<ApplicationStatus, string>> = {
  clarification_required: 'documents_requested',
  approved: 'result_ready',
  rejected: 'result_ready',
};

export interface TransitionChange {
  to: ApplicationStatus;
  actor: Actor;
  reason: string;
  reasons?: ReasonEntry[];
  missingDocuments?: MissingDocument[];
  /** Every rule that fired, kept in the history and the audit trail. */
  fired?: FiredRule[];
  /** Into «Требуется уточнение»: when the documents are due (no deadline: none is enforced). */
  deadline?: Date;
}

export async function transition(tx: Tx, applicationId: string, change: TransitionChange): Promise<void> {
  const application = await applications.get(tx, applicationId);
  const from = application.status;
  if (!canTransition(from, change.to)) {
    throw new IllegalTransitionError(`Application ${applicationId} cannot move from ${from} to ${change.to}`);
  }
  const reasons = change.reasons ?? [];
  const decided = change.to === 'approved' || change.to === 'rejected';
  await applications.update(tx, applicationId, {
    status: change.to,
    reasons,
    missingDocuments: change.missingDocuments ?? [],
    decidedAt: decided ? new Date() : null,
    clarificationDueAt: change.to === 'clarification_required' ? (change.deadline ?? null) : null,
    clarificationRemindedAt: null,
  });
  const reasonCodes = change.fired ? [...new Set(change.fired.map((rule) => rule.code))] : reasons.map((r) => r.code);
  await statusHistory.record(tx, {
    applicationId,
    fromStatus: from,
    toStatus: change.to,
    actorType: change.actor.type,
    actorId: change.actor.id,
    reason: change.reason,
    reasonCodes,
  });
  await recordAudit(tx, {
    actor: change.actor,
    action: 'application.status_changed',
    entityType: 'Application',
    entityId: applicationId,
    organizationId: application.organizationId,
    // Codes and severities only: the audit outlives erasure, so it holds no names or numbers.
    data: {
      from,
      to: change.to,
      reasonCodes,
      ...(change.fired
        ? {
            fired: change.fired.map(({ code, severity, document }) => ({
              code,
              severity,
              ...(document ? { document: document.kind } : {}),
            })),
          }
        : {}),
    },
  });
  await notify(tx, {
    organizationId: application.organizationId,
    accountId: application.accountId,
    applicationId,
    type: NOTIFICATION_TYPE[change.to] ?? 'status_changed',
    payload: {
      from,
      to: change.to,
      statusLabel: STATUS_LABEL_RU[change.to],
      reasons,
      missingDocuments: change.missingDocuments ?? [],
      ...(change.to === 'clarification_required' && change.deadline ? { deadline: change.deadline.toISOString() } : {}),
    },
  });
}
