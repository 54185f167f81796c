// Settles an application once none of its documents is still being processed.
// Until the reading, face and registry stages exist this decides only between
// "ask for better documents" and "a reviewer looks at it"; the rule engine of
// the decision issue replaces the second branch.
import type { ApplicationStatus, CheckOutcome, DocumentKind, DocumentStatus } from '../../generated/prisma/enums.ts';
import { reasonEntry, reasonMessage, type ReasonCode, type ReasonEntry } from '../../core/reasons.ts';

export interface DocumentFacts {
  id: string;
  kind: DocumentKind;
  status: DocumentStatus;
  createdAt: Date;
  /** Checks of the document's finished run. */
  checks: { stage: string; outcome: CheckOutcome; reasonCode: string | null; details: unknown }[];
}

export type MissingDocument = {
  kind: DocumentKind;
  documentId: string;
  reasonCode: string;
  message: string;
  messageRu: string;
};

export interface Settlement {
  status: Extract<ApplicationStatus, 'under_review' | 'clarification_required'>;
  reasons: ReasonEntry[];
  missingDocuments: MissingDocument[];
}

const BLOCKING: readonly CheckOutcome[] = ['fail', 'error'];

/** A re-upload replaces the earlier document of the same kind. */
export function currentDocuments<T extends Pick<DocumentFacts, 'kind' | 'createdAt'>>(documents: T[]): T[] {
  const latest = new Map<DocumentKind, T>();
  for (const document of documents) {
    const seen = latest.get(document.kind);
    if (!seen || document.createdAt > seen.createdAt) latest.set(document.kind, document);
  }
  return [...latest.values()];
}

export function settle(documents: DocumentFacts[]): Settlement | undefined {
  const current = currentDocuments(documents);
  if (current.length === 0 || current.some((d) => d.status === 'received' || d.status === 'processing')) return undefined;
  const missingDocuments = current.flatMap((document): MissingDocument[] => {
    const blocking = document.checks.find((check) => BLOCKING.includes(check.outcome));
    if (!blocking && document.status !== 'failed') return [];
    const code = (blocking?.reasonCode ?? 'stage_crashed') as ReasonCode;
    const params = (blocking?.details ?? {}) as Record<string, string | number>;
    return [
      {
        kind: document.kind,
        documentId: document.id,
        reasonCode: code,
        message: reasonMessage(code, params, 'en'),
        messageRu: reasonMessage(code, params, 'ru'),
      },
    ];
  });
  return missingDocuments.length > 0
    ? { status: 'clarification_required', reasons: [reasonEntry('documents_need_replacement')], missingDocuments }
    : { status: 'under_review', reasons: [reasonEntry('manual_review_required')], missingDocuments: [] };
}
