// What a document's checks found, as stored in Document.extracted and read by
// the decision rules: the MRZ, the printed zone and the migration card's fields
// (values only; confidences and boxes stay in the check details), the face
// descriptors. Check details come back from the database as JSON: each part is
// read through its schema, and a part that does not fit (a crashed stage leaves
// only its error) is absent — never half-read, so no rule sees a guess.
import { z } from 'zod';

const fieldValues = z.record(z.string(), z.object({ value: z.string() }).loose());
const descriptor = z.array(z.number()).length(128);

/** The parts of each stage's stored details that `extracted` is made of. */
const READS = {
  mrz: z.object({
    mrz: z
      .object({
        format: z.string(),
        lines: z.array(z.string()),
        valid: z.boolean(),
        fields: z.record(z.string(), z.string()),
        checkDigits: z.record(z.string(), z.boolean()),
      })
      .loose(),
  }),
  viz: z.object({ fields: fieldValues }),
  migration_card: z.object({ fields: fieldValues }),
  portrait: z.object({ descriptor }),
  selfie: z.object({ descriptor }),
  held_document: z.object({
    descriptors: z.object({ applicant: descriptor, portrait: descriptor.optional() }),
    documentNumber: z.string().optional(),
  }),
} as const;

export const ExtractedSchema = z.object({
  mrz: READS.mrz.shape.mrz.strip().optional(),
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
    ...(viz ? { viz: { fields: values(viz.fields) } } : {}),
    ...(card ? { card: { fields: values(card.fields) } } : {}),
    ...(face ? { face: { descriptor: face.descriptor } } : {}),
    ...(held
      ? { held: { ...held.descriptors, ...(held.documentNumber ? { documentNumber: held.documentNumber } : {}) } }
      : {}),
  };
}
