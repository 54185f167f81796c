// What each stage stores in its check's details, one schema per stage: the
// stored JSON is read back through it (settlement, views, replay), and the
// pipeline checks its own output against it before anything is stored. Every
// field is optional — a failed stage stores little, a crashed one only its
// error — and reason parameters (scalars) ride along beside the fields.
import { z } from 'zod';
import type { ReasonParams } from '../core/reasons.ts';

/** A measured value: stored JSON turns a NaN or an infinity into null. */
const measure = z.number().nullable();
const size = z.object({ width: z.number(), height: z.number() });
const box = z.object({ left: z.number(), top: z.number(), right: z.number(), bottom: z.number() });
/** A face template: biometric, so it never leaves the service (views drop it). */
export const descriptor = z.array(z.number()).length(128);
/** Where a face was found, and how it was turned. */
const facePosition = z.object({
  box: z.array(z.number()),
  page: z.number(),
  rotation: z.number(),
  angles: z.object({ pitch: measure, yaw: measure, roll: measure }).partial(),
});
/** A value read from a printed form: the normalised value, its confidence, the text it came from and where. */
const fieldReading = z.object({ value: z.string(), confidence: z.number(), text: z.string(), box });
/** An MRZ as read: its format and lines, the fields parsed from them and each check digit's validity. */
export const mrzRead = z.object({
  format: z.string(),
  lines: z.array(z.string()),
  valid: z.boolean(),
  fields: z.record(z.string(), z.string()),
  checkDigits: z.record(z.string(), z.boolean()),
});
const faceMatch = { band: z.string(), distance: z.number(), score: z.number() };

/** Present on any stage's details: a crash's error (`stage`, `detail`) and the runner's stored crops. */
const common = {
  stage: z.string(),
  detail: z.string(),
  /** Artifact name → blob key, added by the runner when it stores the stage's images. */
  artifacts: z.record(z.string(), z.string()),
};

const stageDetails = <T extends z.ZodRawShape>(shape: T) =>
  z
    .object({ ...common, ...shape })
    .partial()
    .loose();

export const STAGE_DETAILS = {
  normalize: stageDetails({
    pageCount: z.number(),
    pages: z.array(
      z.object({
        index: z.number(),
        source: z.string(),
        orientation: z.number(),
        original: size,
        width: z.number(),
        height: z.number(),
      }),
    ),
  }),
  quality: stageDetails({
    pages: z.array(
      z.object({ index: z.number(), measures: z.record(z.string(), measure), failed: z.array(z.string()) }),
    ),
  }),
  mrz: stageDetails({
    mrz: mrzRead
      .extend({ corrections: z.array(z.unknown()), page: z.number(), rotation: z.number() })
      .partial({ corrections: true, page: true, rotation: true }),
    /** The candidates looked at when none read (how the search failed). */
    tried: z.unknown(),
    band: z.object({ top: z.number(), bottom: z.number() }),
    pageSize: size,
    /** A document kind without an MRZ. */
    skipped: z.string(),
  }),
  viz: stageDetails({
    fields: z.record(z.string(), fieldReading),
    /** Each printed field against the MRZ's. */
    comparison: z.array(
      z.object({
        field: z.string(),
        status: z.string(),
        viz: z.string().optional(),
        mrz: z.string().optional(),
        note: z.string().optional(),
      }),
    ),
  }),
  migration_card: stageDetails({
    fields: z.record(z.string(), fieldReading),
    missing: z.array(z.string()),
    pageSize: size,
  }),
  portrait: stageDetails({ face: facePosition, pageSize: size, descriptor }),
  liveness: stageDetails({
    signals: z.record(z.string(), measure),
    score: z.number(),
    decision: z.string(),
    reasons: z.array(z.string()),
    fired: z.array(z.unknown()),
  }),
  selfie: stageDetails({
    measures: z.record(z.string(), measure),
    face: facePosition,
    pageSize: size,
    descriptor,
  }),
  held_document: stageDetails({
    applicant: facePosition,
    portrait: facePosition,
    ...faceMatch,
    mrz: z.object({ format: z.string(), valid: z.boolean(), documentNumber: z.string().nullable() }),
    descriptors: z.object({ applicant: descriptor, portrait: descriptor.optional() }),
    documentNumber: z.string(),
    /** Faces found when no document was. */
    faces: z.number(),
  }),
  /** The application's face check, stored on the selfie at settlement. */
  face: stageDetails({ ...faceMatch, portraitDocumentId: z.string() }),
  /** A run that could not complete at all: only the crash's error. */
  pipeline: stageDetails({}),
} as const;

export type CheckStage = keyof typeof STAGE_DETAILS;
export type DetailsOf<S extends CheckStage> = z.infer<(typeof STAGE_DETAILS)[S]>;
export const isCheckStage = (stage: string): stage is CheckStage => Object.hasOwn(STAGE_DETAILS, stage);

/** A check's details tagged with its stage: narrowing on `stage` types `details`. */
export type StageDetails = { [S in CheckStage]: { stage: S; details: DetailsOf<S> } }[CheckStage];

/**
 * Stored details read back through their stage's schema. Details that do not
 * fit (or an unknown stage) read as none: nothing downstream sees a guess.
 */
function readDetails<S extends CheckStage>(stage: S, json: unknown): DetailsOf<S> {
  const parsed = STAGE_DETAILS[stage].safeParse(json ?? {});
  return (parsed.success ? parsed.data : {}) as DetailsOf<S>;
}

/**
 * A stage's details as they will be stored (JSON: NaN and ±Infinity become
 * null), checked against the stage's schema: output that does not fit is an
 * error of the stage that made it, never a stored guess.
 */
export function storedDetails<S extends CheckStage>(stage: S, details: object): DetailsOf<S> {
  const parsed = STAGE_DETAILS[stage].safeParse(JSON.parse(JSON.stringify(details)));
  if (!parsed.success) throw new Error(`details do not fit the ${stage} schema: ${parsed.error.message}`);
  return parsed.data as DetailsOf<S>;
}

/** A stored check row read back as the typed union. */
export function readCheck<C extends { stage: string; details: unknown }>(
  row: C,
): Omit<C, 'stage' | 'details'> & StageDetails {
  const details = readDetails(isCheckStage(row.stage) ? row.stage : 'pipeline', row.details);
  return { ...row, details } as Omit<C, 'stage' | 'details'> & StageDetails;
}

/** The details of the first check of `stage` among `checks`, typed by the stage. */
export const detailsOf = <S extends CheckStage>(checks: readonly StageDetails[], stage: S): DetailsOf<S> | undefined =>
  checks.find((check) => check.stage === stage)?.details as DetailsOf<S> | undefined;

/** The scalar values among a check's details: the parameters of its reason's message. */
export const reasonParams = (details: object): ReasonParams =>
  Object.fromEntries(
    Object.entries(details).filter(
      (entry): entry is [string, string | number] => typeof entry[1] === 'string' || typeof entry[1] === 'number',
    ),
  );
