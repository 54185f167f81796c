// What a document's checks found, as stored in Document.extracted and read by
// the decision rules: the MRZ, the printed zone and the migration card's fields
// (values only; confidences and boxes stay in the check details).
import type { CheckRecord } from './stages.ts';
import type { MigrationCardReading } from './migration-card/index.ts';
import type { MrzReading } from './mrz/index.ts';
import type { VizReading } from './viz/index.ts';

export interface Extracted {
  mrz?: Pick<MrzReading, 'format' | 'lines' | 'valid' | 'fields' | 'checkDigits'>;
  viz?: { fields: Record<string, string> };
  card?: { fields: Record<string, string> };
  /** The face's descriptor: the document portrait's, or the selfie's. */
  face?: { descriptor: number[] };
  /** A photo with the document in hand: the applicant's face, the held portrait, the held document's number. */
  held?: { applicant: number[]; portrait?: number[]; documentNumber?: string };
}

const values = (fields: Record<string, { value: string }>) =>
  Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, field.value]));

export function extractedFrom(checks: readonly { stage: string; details: unknown }[]): Extracted {
  const details = (stage: string) =>
    checks.find((check) => check.stage === stage)?.details as CheckRecord['details'] | undefined;
  const mrz = details('mrz')?.mrz as MrzReading | undefined;
  // A stage that crashed leaves only its error in the details.
  const viz = details('viz') as Partial<VizReading> | undefined;
  const card = details('migration_card') as Partial<MigrationCardReading> | undefined;
  const descriptor = (details('portrait') ?? details('selfie'))?.descriptor as number[] | undefined;
  const held = details('held_document') as
    { descriptors?: { applicant: number[]; portrait?: number[] }; documentNumber?: string } | undefined;
  return {
    ...(mrz
      ? {
          mrz: {
            format: mrz.format,
            lines: mrz.lines,
            valid: mrz.valid,
            fields: mrz.fields,
            checkDigits: mrz.checkDigits,
          },
        }
      : {}),
    ...(viz?.fields ? { viz: { fields: values(viz.fields) } } : {}),
    ...(card?.fields ? { card: { fields: values(card.fields) } } : {}),
    ...(descriptor ? { face: { descriptor } } : {}),
    ...(held?.descriptors
      ? { held: { ...held.descriptors, ...(held.documentNumber ? { documentNumber: held.documentNumber } : {}) } }
      : {}),
  };
}
