// The ordered table of stages and the small engine that walks it for one
// document. Later issues add rows (quality, mrz, viz, face, liveness, …).
import { setTimeout as sleep } from 'node:timers/promises';
import { DocumentKind } from '../generated/prisma/enums.ts';
import type { ReasonCode } from '../core/reasons.ts';
import { normalize, type NormalizedPage } from './normalize/index.ts';
import { readMigrationCard, type MigrationCardReading } from './migration-card/index.ts';
import { readMrz, type MrzReading, type PageView } from './mrz/index.ts';
import { assessQuality } from './quality/index.ts';
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
}

interface StageDefinition {
  name: string;
  appliesTo: readonly DocumentKind[];
  /** A gate's failure stops the run: the stages after it need its output. */
  gate: boolean;
  run(state: PipelineState, ctx: StageContext): Promise<{ verdict: StageVerdict; state: PipelineState }>;
}

const ALL_KINDS = Object.values(DocumentKind);
const DOCUMENTS: readonly DocumentKind[] = ['passport', 'residence_permit', 'migration_card'];

export const STAGES = [
  {
    name: 'normalize',
    appliesTo: ALL_KINDS,
    gate: true,
    async run(state, ctx) {
      const { pages, ...verdict } = await normalize(state.document, ctx);
      return { verdict, state: { ...state, pages } };
    },
  },
  {
    name: 'quality',
    appliesTo: DOCUMENTS,
    gate: true,
    async run(state) {
      const { readablePages, ...verdict } = await assessQuality(state.pages ?? []);
      return { verdict, state: { ...state, readablePages } };
    },
  },
  {
    name: 'mrz',
    appliesTo: ['passport', 'residence_permit'],
    gate: false,
    async run(state, ctx) {
      const { mrz, views, ...verdict } = await readMrz(state.document.kind, state.pages ?? [], state.readablePages ?? [], ctx.ocr.mrzLine, ctx.now());
      return { verdict, state: { ...state, mrz, views } };
    },
  },
  {
    name: 'viz',
    appliesTo: ['passport', 'residence_permit'],
    gate: false,
    async run(state, ctx) {
      const { viz, ...verdict } = await readViz(state.document.kind, state.pages ?? [], state.readablePages ?? [], state.mrz, state.views, ctx.ocr);
      return { verdict, state: { ...state, viz } };
    },
  },
  {
    name: 'migration_card',
    appliesTo: ['migration_card'],
    gate: false,
    async run(state, ctx) {
      const { card, ...verdict } = await readMigrationCard(state.pages ?? [], state.readablePages ?? [], ctx.ocr);
      return { verdict, state: { ...state, card } };
    },
  },
] as const satisfies readonly StageDefinition[];

export type StageName = (typeof STAGES)[number]['name'];

/** One stage's result as the runner stores it (a CheckResult row). */
export interface CheckRecord {
  /** 'pipeline' records a run that could not complete at all (out of retries). */
  stage: StageName | 'pipeline';
  outcome: CheckOutcome;
  reasonCode?: ReasonCode;
  score?: number;
  details: Record<string, unknown>;
  durationMs: number;
}

export interface RunOptions {
  /** Fault injection for crash tests: sleep before each stage. */
  faultDelayMs?: number;
}

export async function runPipeline(document: UploadedDocument, ctx: StageContext, options: RunOptions = {}): Promise<CheckRecord[]> {
  const records: CheckRecord[] = [];
  let state: PipelineState = { document };
  for (const stage of STAGES as readonly StageDefinition[]) {
    if (!stage.appliesTo.includes(document.kind)) continue;
    if (options.faultDelayMs) await sleep(options.faultDelayMs);
    const started = performance.now();
    let verdict: StageVerdict;
    try {
      ({ verdict, state } = await stage.run(state, ctx));
    } catch (error) {
      verdict = {
        outcome: 'error',
        reasonCode: 'stage_crashed',
        details: { stage: stage.name, detail: error instanceof Error ? error.message : String(error) },
      };
    }
    records.push({
      stage: stage.name as StageName,
      outcome: verdict.outcome,
      reasonCode: verdict.reasonCode,
      score: verdict.score,
      details: { ...verdict.details, ...verdict.params },
      durationMs: Math.round(performance.now() - started),
    });
    if (stage.gate && verdict.outcome !== 'pass' && verdict.outcome !== 'warn') break;
  }
  return records;
}
