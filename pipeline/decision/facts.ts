// The rule engine's facts from a settled application's stored checks (as
// settlement reads them back from the database), and the application-level
// face check.
import type { DocumentKind } from '../../generated/prisma/enums.ts';
import { extractedFrom } from '../extracted.ts';
import { faceCheck } from '../face/index.ts';
import type { StageVerdict } from '../types.ts';
import type { ApplicationFacts, CheckFact, DocumentFact } from './rules.ts';

export interface SettledDocument {
  id: string;
  kind: DocumentKind;
  /** The document ran out of retries. */
  failed: boolean;
  /** The checks of the run that finished it. */
  checks: CheckFact[];
}

export type FactsInput = Omit<ApplicationFacts, 'documents'> & { documents: SettledDocument[] };

export function applicationFacts(input: FactsInput): ApplicationFacts {
  return {
    ...input,
    documents: input.documents.map((document): DocumentFact => {
      const { mrz, card, face, held } = extractedFrom(document.checks);
      return {
        ...document,
        ...(mrz ? { mrz: { fields: mrz.fields } } : {}),
        ...(card ? { card } : {}),
        ...(face ? { face } : {}),
        ...(held ? { held } : {}),
      };
    }),
  };
}

const WITH_PORTRAIT: readonly DocumentKind[] = ['passport', 'residence_permit'];

/**
 * The application-level face check: the selfie's face against the portrait of
 * the passport (or else the residence permit). Undefined while there is no
 * usable selfie to compare (its own stages already say why).
 */
export function applicationFaceCheck(
  documents: SettledDocument[],
): { selfieId: string; portraitId?: string; verdict: StageVerdict } | undefined {
  const faceOf = (document: SettledDocument | undefined) =>
    document ? extractedFrom(document.checks).face : undefined;
  const selfie = documents.find((d) => d.kind === 'selfie' && !d.failed && faceOf(d));
  if (!selfie) return undefined;
  const portrait = WITH_PORTRAIT.map((kind) => documents.find((d) => d.kind === kind && faceOf(d))).find(Boolean);
  return {
    selfieId: selfie.id,
    ...(portrait ? { portraitId: portrait.id } : {}),
    verdict: faceCheck(faceOf(portrait), faceOf(selfie)),
  };
}
