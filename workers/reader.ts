// Reads files from disk through exactly the code the service runs on uploads
// (intake, then the stage table in the worker pool) — no HTTP, no database.
// `docverify read` and `docverify replay` are built on this.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../core/config.ts';
import { reasonMessage, type ReasonCode } from '../core/reasons.ts';
import type { DocumentKind } from '../generated/prisma/enums.ts';
import { detailsOf, reasonParams, type DetailsOf } from '../pipeline/details.ts';
import { extractedFrom, type Extracted } from '../pipeline/extracted.ts';
import { withArtifacts, type CheckRecord } from '../pipeline/stages.ts';
import type { StagePool } from './pool.ts';

export interface ReadResult {
  file: string;
  kind: DocumentKind;
  intake: { durationMs: number; sizeBytes: number } & (
    | { outcome: 'pass'; contentType: string; pageCount: number }
    | { outcome: 'fail'; reasonCode: ReasonCode; message: string }
  );
  /** The MRZ as read (documents that carry one), else null. */
  mrz: Extracted['mrz'] | null;
  /** The printed zone: fields with their confidence, and the comparison with the MRZ. */
  viz: DetailsOf<'viz'> | null;
  /** A migration card's fields with their confidence. */
  card: DetailsOf<'migration_card'> | null;
  checks: (CheckRecord & { message?: string })[];
}

export async function readFile(
  pool: StagePool,
  file: string,
  kind: DocumentKind,
  limits: Config['limits'],
  now: Date = new Date(),
  /** Where to write the face crops the stages keep (`<file>.<name>.png`); left out when unset. */
  cropsDir?: string,
): Promise<ReadResult> {
  const bytes = await fs.promises.readFile(file);
  const started = performance.now();
  const intake = await pool.run({ type: 'inspect', bytes, limits });
  const measured = { durationMs: Math.round(performance.now() - started), sizeBytes: bytes.length };
  if (!intake.ok) {
    return {
      file,
      kind,
      intake: {
        outcome: 'fail',
        reasonCode: intake.reasonCode,
        message: reasonMessage(intake.reasonCode, intake.params),
        ...measured,
      },
      mrz: null,
      viz: null,
      card: null,
      checks: [],
    };
  }
  const processed = await pool.run({
    type: 'process',
    document: { kind, contentType: intake.contentType, bytes },
    limits,
    now: now.toISOString(),
    faults: { stageDelayMs: 0 },
  });
  const checks = await Promise.all(
    processed.map(({ artifacts, ...check }) => keepCrops(file, check, artifacts, cropsDir)),
  );
  return {
    file,
    kind,
    intake: { outcome: 'pass', contentType: intake.contentType, pageCount: intake.pageCount, ...measured },
    mrz: extractedFrom(checks).mrz ?? null,
    // A stage that crashed leaves only its error in the details.
    viz: detailsOf(checks, 'viz') ?? null,
    card: detailsOf(checks, 'migration_card') ?? null,
    checks: checks.map((check) =>
      check.reasonCode ? { ...check, message: reasonMessage(check.reasonCode, reasonParams(check.details)) } : check,
    ),
  };
}

/** Writes a check's crops next to each other in `dir`, and names them in its details. */
async function keepCrops(
  file: string,
  check: CheckRecord,
  artifacts: Record<string, Uint8Array> | undefined,
  dir?: string,
): Promise<CheckRecord> {
  if (!artifacts || !dir) return check;
  const written: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(artifacts)) {
    written[name] = path.join(dir, `${path.basename(file)}.${name}.png`);
    await fs.promises.writeFile(written[name], bytes);
  }
  return withArtifacts(check, written);
}

/**
 * Runs fn over items with at most `limit` in flight, so each file's timings
 * measure its own work rather than its wait behind the others.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index]!, index);
      }
    }),
  );
  return results;
}
