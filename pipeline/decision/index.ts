// The verdict on an application: the rules of rules.ts walked over its facts.
// Rejected if a reject rule fires; clarification required if a document is
// missing or must be sent again (listing which and why); under review if a
// review rule fires. Approved only on positive evidence: no rule fired and
// every check an approval needs passed (else review, `evidence_missing`).
// Every fired rule is kept.
import type { ApplicationStatus, DocumentKind } from '../../generated/prisma/enums.ts';
import {
  reasonEntry,
  reasonMessage,
  type ReasonCode,
  type ReasonEntry,
  type ReasonParams,
} from '../../core/reasons.ts';
import { missingEvidence, RULES, type ApplicationFacts, type Severity } from './rules.ts';

export type { ApplicationFacts, DocumentFact } from './rules.ts';

export type MissingDocument = {
  kind: DocumentKind;
  documentId?: string;
  reasonCode: string;
  message: string;
  messageRu: string;
};

export interface FiredRule {
  code: ReasonCode;
  severity: Severity;
  params: ReasonParams;
  document?: { kind: DocumentKind; id?: string };
}

export interface Verdict {
  status: Extract<ApplicationStatus, 'approved' | 'rejected' | 'clarification_required' | 'under_review'>;
  /** The reasons behind the status: the fired rules of the deciding severity. */
  reasons: ReasonEntry[];
  missingDocuments: MissingDocument[];
  fired: FiredRule[];
}

const OUTCOME: [Severity, Verdict['status']][] = [
  ['reject', 'rejected'],
  ['clarify', 'clarification_required'],
  ['review', 'under_review'],
];

export function decide(facts: ApplicationFacts): Verdict {
  const fired: FiredRule[] = RULES.flatMap((rule) =>
    rule.check(facts).map((hit) => ({
      code: hit.code ?? (rule.code as ReasonCode),
      severity: rule.severity,
      params: hit.params ?? {},
      ...(hit.document ? { document: hit.document } : {}),
    })),
  );
  if (!fired.some((rule) => rule.severity !== 'warn')) {
    fired.push(
      ...missingEvidence(facts).map((hit) => ({
        code: hit.code,
        severity: 'review' as const,
        params: hit.params ?? {},
        ...(hit.document ? { document: hit.document } : {}),
      })),
    );
  }
  const [severity, status] = OUTCOME.find(([s]) => fired.some((rule) => rule.severity === s)) ?? ['warn', 'approved'];
  const deciding = fired.filter((rule) => rule.severity === severity && status !== 'approved');
  const unique = (rules: FiredRule[]) => [...new Map(rules.map((rule) => [rule.code, rule])).values()];
  return {
    status,
    reasons: unique(deciding).map((rule) => reasonEntry(rule.code, rule.params)),
    missingDocuments: fired
      .filter((rule) => rule.severity === 'clarify' && rule.document)
      .map((rule) => ({
        kind: rule.document!.kind,
        ...(rule.document!.id ? { documentId: rule.document!.id } : {}),
        reasonCode: rule.code,
        message: reasonMessage(rule.code, rule.params, 'en'),
        messageRu: reasonMessage(rule.code, rule.params, 'ru'),
      })),
    fired,
  };
}

/** A re-upload replaces the earlier document of the same kind. */
export function currentDocuments<T extends { kind: DocumentKind; createdAt: Date }>(documents: T[]): T[] {
  const latest = new Map<DocumentKind, T>();
  for (const document of documents) {
    const seen = latest.get(document.kind);
    if (!seen || document.createdAt > seen.createdAt) latest.set(document.kind, document);
  }
  return [...latest.values()];
}
