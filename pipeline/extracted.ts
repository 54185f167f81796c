// What a document's checks found, as stored in Document.extracted and read by
// the decision rules: the MRZ, the printed zone and the migration card's fields
// (values only; confidences and boxes stay in the check details), the face
// descriptors. Check details come back from the database as JSON: each part is
// read through its schema, and a part that does not fit (a crashed stage leaves
// only its error) is absent — never half-read, so no rule sees a guess.
import { z } from 'zod';
import { descriptor, mrzRead, STAGE_DETAILS } from './details.ts';

/** The parts of each stage's stored details that `extracted` is made of: required here, optional there. */
const READS = {
  mrz: STAGE_DETAILS.mrz.required({ mrz: true }),
  viz: STAGE_DETAILS.viz.required({ fields: true }),
  migration_card: STAGE_DETAILS.migration_card.required({ fields: true }),
  portrait: STAGE_DETAILS.portrait.required({ descriptor: true }),
  selfie: STAGE_DETAILS.selfie.required({ descriptor: true }),
  held_document: STAGE_DETAILS.held_document.required({ descriptors: true }),
} as const;

export const ExtractedSchema = z.object({
  mrz: mrzRead.optional(),
  viz: z.object({ fields: z.record(z.string(), z.string()) }).optional(),
  card: z.object({ fields: z.record(z.string(), z.string()) }).optional(),
  /** The face's descriptor: the document portrait's, or the selfie's. */
  face: z.object({ descriptor }).optional(),
  /** A photo with the document in hand: the applicant's face, the held portrait, the held document's number. */
  held: z
    .object({ applicant: descriptor, portrait: descriptor.optional(), documentNumber: z.string().optional() })
    .optional(),
});
export type Extracted = z.infer<typeof ExtractedSchema>;

/** A stored `extracted` column read back: what fits its schema, else nothing. */
export const readExtracted = (json: unknown): Extracted => {
  const parsed = ExtractedSchema.safeParse(json ?? {});
  return parsed.success ? parsed.data : {};
};

const values = (fields: Record<string, { value: string }>) =>
  Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, field.value]));

export function extractedFrom(checks: readonly { stage: string; details: unknown }[]): Extracted {
  const read = <S extends keyof typeof READS>(stage: S): z.infer<(typeof READS)[S]> | undefined => {
    const parsed = READS[stage].safeParse(checks.find((check) => check.stage === stage)?.details);
    return parsed.success ? (parsed.data as z.infer<(typeof READS)[S]>) : undefined;
  };
  const mrz = read('mrz')?.mrz;
  const viz = read('viz');
  const card = read('migration_card');
  const face = read('portrait') ?? read('selfie');
  const held = read('held_document');
  return {
    ...(mrz ? { mrz: mrzRead.parse(mrz) } : {}),
    ...(viz ? { viz: { fields: values(viz.fields) } } : {}),
    ...(card ? { card: { fields: values(card.fields) } } : {}),
    ...(face ? { face: { descriptor: face.descriptor } } : {}),
    ...(held
      ? { held: { ...held.descriptors, ...(held.documentNumber ? { documentNumber: held.documentNumber } : {}) } }
      : {}),
  };
}
