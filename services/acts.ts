// The act of verification: what goes into the PDF for a decided application,
// and the answer to an official who scanned its QR code. Both read through the
// typed application view, so the act says what the API says.
import { signActToken, readActToken } from '../core/act-token.ts';
import type { ActContent } from '../core/act-pdf.ts';
import { AppError } from '../core/errors.ts';
import { DOCUMENT_KIND_RU, OUTCOME_RU, SERVICE_RU, STAGE_RU } from '../core/labels.ts';
import { STATUS_LABEL_RU } from '../core/lifecycle.ts';
import { ActVerificationView, applicationView } from './views.ts';
import * as applications from '../db/applications.ts';
import type { Scope } from '../db/client.ts';
import type { Prisma } from '../db/index.ts';

const DECIDED = ['approved', 'rejected'] as const;
const isDecided = (status: string): status is (typeof DECIDED)[number] =>
  (DECIDED as readonly string[]).includes(status);

export interface ActSettings {
  key: Buffer;
  publicUrl: string;
  validDays: number;
}

/** The act's content for a decided application within `scope` (the caller's organisation). */
export async function actContent(
  prisma: Prisma,
  id: string,
  scope: Scope,
  settings: ActSettings,
  now: Date,
): Promise<ActContent & { organizationId: string }> {
  const row = await applications.findForAct(prisma, id, scope);
  if (!row) throw new AppError('not_found', { entity: 'Application' });
  if (!isDecided(row.status) || !row.decidedAt) throw new AppError('application_not_decided', { status: row.status });
  const view = applicationView(row);
  const { account } = row;
  const review = row.reviews[0];
  const validUntil = new Date(now.getTime() + settings.validDays * 86_400_000);
  const token = signActToken({ applicationId: row.id, decidedAt: row.decidedAt, expiresAt: validUntil }, settings.key);
  return {
    organizationId: row.organizationId,
    applicationId: row.id,
    service: SERVICE_RU[row.serviceType],
    createdAt: row.createdAt,
    issuedAt: now,
    applicant: account.erasedAt
      ? null
      : {
          nameLatin: `${account.surnameLatin} ${account.givenNamesLatin}`,
          nameCyrillic: account.surnameCyrillic
            ? `${account.surnameCyrillic} ${account.givenNamesCyrillic ?? ''}`.trim()
            : undefined,
          dateOfBirth: account.dateOfBirth,
          citizenship: account.citizenship,
        },
    documents: view.documents
      .filter((document) => document.current)
      .map((document) => ({
        kind: DOCUMENT_KIND_RU[document.kind],
        uploadedAt: document.createdAt,
        checks: document.checks.map((check) => ({
          stage: STAGE_RU[check.stage] ?? check.stage,
          outcome: OUTCOME_RU[check.outcome],
          reason: check.messageRu ?? undefined,
        })),
      })),
    decision: {
      status: STATUS_LABEL_RU[row.status],
      decidedAt: row.decidedAt,
      by: review ? `сотрудник ${review.reviewer?.name ?? review.reviewerId ?? ''}`.trim() : 'автоматически (docverify)',
      reasons: view.reasons.map((reason) => ({ code: reason.code, message: reason.messageRu })),
      comment: review?.comment ?? undefined,
    },
    verifyUrl: `${settings.publicUrl}/v1/acts/${token}`,
    validUntil,
  };
}

/** «И***** А.»: enough to match the paper in hand, not enough to identify anyone. */
export const maskedName = (surname: string, givenNames: string) =>
  `${surname.slice(0, 1)}${'*'.repeat(Math.max(surname.length - 1, 3))} ${givenNames.slice(0, 1)}.`;

/** What an official learns from a QR code: genuine or not, current or superseded, the decision and its date. */
export async function verifyAct(prisma: Prisma, token: string, key: Buffer, now: Date) {
  const checked = readActToken(token, key, now);
  if (!checked.ok) throw new AppError(checked.reasonCode, { expiredAt: checked.claims?.expiresAt.toISOString() ?? '' });
  const { claims } = checked;
  const row = await applications.findWithAccount(prisma, claims.applicationId);
  // A genuine token of an application that no longer exists attests nothing.
  if (!row) throw new AppError('act_token_invalid');
  const current = isDecided(row.status) && row.decidedAt?.getTime() === claims.decidedAt.getTime();
  const { account } = row;
  const name = account.erasedAt
    ? null
    : account.surnameCyrillic
      ? maskedName(account.surnameCyrillic, account.givenNamesCyrillic ?? '')
      : maskedName(account.surnameLatin, account.givenNamesLatin);
  return ActVerificationView.parse({
    genuine: true,
    current,
    applicationId: row.id,
    status: row.status,
    statusLabel: STATUS_LABEL_RU[row.status],
    decidedAt: claims.decidedAt,
    applicant: name,
    validUntil: claims.expiresAt,
  });
}
