// The ordered table of stages and the small engine that walks it for one
// document. A stage that throws is recorded as `stage_crashed` (the runner
// retries the document, then a reviewer gets it); it never reads as a pass.
import { setTimeout as sleep } from 'node:timers/promises';
import { DocumentKind } from '../generated/prisma/enums.ts';
import type { ReasonCode } from '../core/reasons.ts';
import { normalize, type NormalizedPage } from './normalize/index.ts';
import type { FaceObservation, RgbImage } from '../models/face.ts';
import { reviewerView } from './artifacts.ts';
import { assessSelfie, extractPortrait, selfieImage } from './face/index.ts';
import { assessHeldDocument } from './held-document/index.ts';
import { assessLiveness } from './liveness/index.ts';
import { readMigrationCard, type MigrationCardReading } from './migration-card/index.ts';
import { readMrz, type MrzOcr, type MrzReading, type PageView } from './mrz/index.ts';
import { assessQuality } from './quality/index.ts';
import { storedDetails, type CheckStage, type DetailsOf, type StageDetails } from './details.ts';
import type { CheckOutcome, StageContext, StageVerdict, UploadedDocument } from './types.ts';
import { readViz, type VizReading } from './viz/index.ts';

/** What the stages of one document know so far; each stage may add to it. */
export interface PipelineState {
  document: UploadedDocument;
  pages?: NormalizedPage[];
  /** Pages good enough to read, by index. */
  readablePages?: number[];
  mrz?: MrzReading;
  /** Upright documents of the pages the MRZ stage looked at, for the stages reading the same pages. */
  views?: Record<number, PageView>;
  viz?: VizReading;
  card?: MigrationCardReading;
  /** The selfie as the face engine saw it, and the faces found on it. */
  selfie?: { image: RgbImage; faces: FaceObservation[] };
}

interface StageDefinition {
  name: string;
  appliesTo: readonly DocumentKind[];
  /** The kinds for which this stage's failure stops the run: the stages after it need its output. */
  gate: readonly DocumentKind[];
  /** When this is false of the results so far, the run stops before this stage. */
  requires?: (records: Outcomes) => boolean;
  /**
   * Runs at the same time as the stage before it: it needs nothing that stage
   * adds, and each adds its own part of the state. The MRZ is read while the
   * quality is measured, and the portrait's face model runs while the printed
   * zone's OCR workers read, on the other core.
   */
  alongside?: true;
  run(state: PipelineState, ctx: StageContext): Promise<{ verdict: StageVerdict; state: PipelineState }>;
}

const ALL_KINDS = Object.values(DocumentKind);
type Outcomes = readonly { stage: string; outcome: CheckOutcome }[];
const outcomeOf = (records: Outcomes, stage: string): CheckOutcome | undefined =>
  records.find((record) => record.stage === stage)?.outcome;
/** A capture the quality gate refused stays readable when its MRZ was read anyway (reading decides). */
const readable = (records: Outcomes): boolean =>
  outcomeOf(records, 'quality') !== 'fail' || outcomeOf(records, 'mrz') === 'pass';
/** The OCR engines the MRZ search uses, from the stage context. */
const mrzOcr = (ctx: StageContext): MrzOcr => ({
  detect: ctx.ocr.textBoxes,
  line: ctx.ocr.mrzLine,
  block: ctx.ocr.mrzBlock,
});
const DOCUMENTS: readonly DocumentKind[] = ['passport', 'residence_permit', 'migration_card'];
const WITH_PORTRAIT: readonly DocumentKind[] = ['passport', 'residence_permit'];

export const STAGES = [
  {
    name: 'normalize',
    appliesTo: ALL_KINDS,
    gate: ALL_KINDS,
    async run(state, ctx) {
      const { pages, ...verdict } = await normalize(state.document, ctx);
      return { verdict, state: { ...state, pages } };
    },
  },
  {
    // A gate for migration cards only. On a document with an MRZ, reading decides
    // (`readingDecides` below): with no page passing the measures, every page is still
    // read for its MRZ, and the later stages run only if it was read.
    name: 'quality',
    appliesTo: DOCUMENTS,
    gate: ['migration_card'],
    async run(state) {
      const { readablePages, ...verdict } = await assessQuality(state.pages ?? []);
      return {
        verdict,
        state: {
          ...state,
          readablePages: readablePages.length ? readablePages : (state.pages ?? []).map((page) => page.index),
        },
      };
    },
  },
  {
    name: 'mrz',
    appliesTo: WITH_PORTRAIT,
    gate: [],
    // Beside the quality measures: reading decides whether they refuse the document.
    alongside: true,
    async run(state, ctx) {
      const { mrz, views, ...verdict } = await readMrz(
        state.document.kind,
        state.pages ?? [],
        mrzOcr(ctx),
        ctx.now(),
        ctx.mrzLocators,
      );
      return { verdict, state: { ...state, mrz, views } };
    },
  },
  {
    name: 'viz',
    appliesTo: WITH_PORTRAIT,
    gate: [],
    requires: readable,
    async run(state, ctx) {
      const { viz, ...verdict } = await readViz(
        state.document.kind,
        state.pages ?? [],
        state.readablePages ?? [],
        state.mrz,
        state.views,
        ctx.ocr,
      );
      return { verdict, state: { ...state, viz } };
    },
  },
  {
    name: 'portrait',
    appliesTo: WITH_PORTRAIT,
    gate: [],
    requires: readable,
    alongside: true,
    async run(state, ctx) {
      const known = state.mrz && { page: state.mrz.page, rotation: state.mrz.rotation };
      const { face: _face, ...verdict } = await extractPortrait(
        state.pages ?? [],
        state.readablePages ?? [],
        known,
        ctx.face,
      );
      return { verdict, state };
    },
  },
  {
    // First for a selfie: a screen or a print is refused before its face is judged.
    name: 'liveness',
    appliesTo: ['selfie'],
    gate: ['selfie'],
    async run(state, ctx) {
      const image = await selfieImage(state.pages![0]!);
      const faces = await ctx.face.detect(image);
      const { liveness: _liveness, ...verdict } = await assessLiveness(image, faces, ctx.face);
      return { verdict, state: { ...state, selfie: { image, faces } } };
    },
  },
  {
    name: 'selfie',
    appliesTo: ['selfie'],
    gate: ['selfie'],
    async run(state) {
      const { image, faces } = state.selfie!;
      const { face: _face, measures: _measures, ...verdict } = assessSelfie(image, faces);
      // The photo itself for reviewers, the face box drawn on it.
      const view = await reviewerView(image, 3);
      return {
        verdict: {
          ...verdict,
          details: { ...verdict.details, pageSize: view.size },
          artifacts: { ...verdict.artifacts, page: view.jpeg },
        },
        state,
      };
    },
  },
  {
    name: 'held_document',
    appliesTo: ['selfie_with_document'],
    gate: [],
    async run(state, ctx) {
      const image = await selfieImage(state.pages![0]!);
      const faces = await ctx.face.detect(image);
      // The held document is read as a passport would be: its MRZ, if legible.
      const { mrz } = await readMrz('passport', state.pages ?? [], mrzOcr(ctx), ctx.now(), ctx.mrzLocators);
      return { verdict: assessHeldDocument(faces, mrz), state };
    },
  },
  {
    name: 'migration_card',
    appliesTo: ['migration_card'],
    gate: [],
    async run(state, ctx) {
      const { card, ...verdict } = await readMigrationCard(state.pages ?? [], state.readablePages ?? [], ctx.ocr);
      // The card itself for reviewers: no face or MRZ stage keeps its page.
      const first = state.pages?.[0];
      const view = first && (await reviewerView(first.raster, 3));
      return {
        verdict: view
          ? {
              ...verdict,
              details: { ...verdict.details, pageSize: view.size },
              artifacts: { ...verdict.artifacts, page: view.jpeg },
            }
          : verdict,
        state: { ...state, card },
      };
    },
  },
] as const satisfies readonly StageDefinition[];

export type StageName = (typeof STAGES)[number]['name'];

/**
 * Every stage name in the order checks are shown: the document's stages, then
 * the application's face check (made at settlement, stored on the selfie), then
 * `pipeline`, a run that could not complete at all (out of retries).
 */
export const STAGE_ORDER: readonly CheckStage[] = [...STAGES.map((stage) => stage.name), 'face', 'pipeline'];

/** One stage's result as the runner stores it (a CheckResult row): its details typed by its stage. */
export type CheckRecord = StageDetails & {
  outcome: CheckOutcome;
  reasonCode?: ReasonCode;
  score?: number;
  durationMs: number;
  /** Face crops and the like, for the runner to store encrypted. */
  artifacts?: Record<string, Uint8Array>;
};

/** The check with where its images were stored (artifact name → key or path) named in its details. */
export const withArtifacts = ({ artifacts: _images, ...check }: CheckRecord, stored: Record<string, string>) =>
  ({ ...check, details: { ...check.details, artifacts: stored } }) as CheckRecord;

/** Fault injection for crash tests (FAULT_STAGE_DELAY_MS, FAULT_STAGE). */
export interface FaultOptions {
  /** Sleep before each stage. */
  stageDelayMs: number;
  /** This stage throws instead of running. */
  stage?: string;
}

/**
 * Reading decides: a document whose MRZ was read with every check digit
 * agreeing is readable whatever the quality measures said — their findings stay,
 * as a warning. A quality failure stands, and names the reason, only where the
 * MRZ could not be read. (A migration card has no check digits to prove its
 * reading right, so its quality gate stays a gate.)
 */
function readingDecides(records: CheckRecord[]): CheckRecord[] {
  if (outcomeOf(records, 'mrz') !== 'pass') return records;
  return records.map((record) =>
    record.stage === 'quality' && record.outcome === 'fail' ? { ...record, outcome: 'warn' } : record,
  );
}

/** The stages that apply to a kind, in steps: a stage with the stages that run alongside it. */
function stepsFor(kind: DocumentKind): StageDefinition[][] {
  const steps: StageDefinition[][] = [];
  for (const stage of STAGES as readonly StageDefinition[]) {
    if (!stage.appliesTo.includes(kind)) continue;
    if (stage.alongside && steps.length) steps.at(-1)!.push(stage);
    else steps.push([stage]);
  }
  return steps;
}

/** One stage run on the state so far: its record, and the state it leaves. */
async function runStage(
  stage: StageDefinition,
  state: PipelineState,
  ctx: StageContext,
  faults: FaultOptions,
): Promise<{ record: CheckRecord; state: PipelineState }> {
  if (faults.stageDelayMs) await sleep(faults.stageDelayMs);
  const started = performance.now();
  const name = stage.name as StageName;
  let verdict: StageVerdict;
  let details: DetailsOf<StageName>;
  let next = state;
  try {
    if (faults.stage === stage.name) throw new Error(`fault injected into ${stage.name}`);
    ({ verdict, state: next } = await stage.run(state, ctx));
    details = storedDetails(name, { ...verdict.details, ...verdict.params });
  } catch (error) {
    details = { stage: stage.name, detail: error instanceof Error ? error.message : String(error) };
    verdict = { outcome: 'error', reasonCode: 'stage_crashed', details };
  }
  const record = {
    stage: name,
    outcome: verdict.outcome,
    reasonCode: verdict.reasonCode,
    score: verdict.score,
    details,
    durationMs: Math.round(performance.now() - started),
    ...(verdict.artifacts ? { artifacts: verdict.artifacts } : {}),
  } as CheckRecord;
  return { record, state: next };
}

export async function runPipeline(
  document: UploadedDocument,
  ctx: StageContext,
  faults: FaultOptions = { stageDelayMs: 0 },
): Promise<CheckRecord[]> {
  const records: CheckRecord[] = [];
  let state: PipelineState = { document };
  for (const step of stepsFor(document.kind)) {
    // Every stage of a step is judged on the records before the step.
    if (step.some((stage) => stage.requires && !stage.requires(records))) break;
    const runs = await Promise.all(step.map((stage) => runStage(stage, state, ctx, faults)));
    // Each stage of the step returned the state it was given with its own part added.
    state = Object.assign({}, ...runs.map((run) => run.state)) as PipelineState;
    records.push(...runs.map((run) => run.record));
    const stopped = (stage: StageDefinition, { record }: { record: CheckRecord }) =>
      stage.gate.includes(document.kind) && record.outcome !== 'pass' && record.outcome !== 'warn';
    if (step.some((stage, i) => stopped(stage, runs[i]!))) break;
  }
  return readingDecides(records);
}

/**
 * How long a run took from its checks' durations: stages one after the other,
 * those that ran alongside another counted as the longer of the two.
 */
export function runMs(kind: DocumentKind, durations: Partial<Record<string, number>>): number {
  return stepsFor(kind).reduce((sum, step) => sum + Math.max(0, ...step.map((stage) => durations[stage.name] ?? 0)), 0);
}
