// npm run bench (part 7) — reading real documents: ../shared/datasets/real-docs
// (REAL_DOCS to point elsewhere; any folder with the same labels.tsv). For each
// file: the service's own pipeline (intake → normalize → quality → MRZ, in the
// pool, exactly as on an upload) and, in the same process on the same bytes, a
// naive baseline — the bottom 35 / 50 / 100 % of the image, grey, upscaled,
// the same MRZ model over the block, parsed with the `mrz` package. Prints both
// side by side and their ratio; writes test/bench/results/real-docs.json.
// BMP captures (outside intake) are converted to PNG first.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'mrz';
import sharp from 'sharp';
import { percentile } from '../../core/stats.ts';
import { decodeBmp } from '../../fixtures/lib/bmp.ts';
import type { DocumentKind } from '../../generated/prisma/enums.ts';
import { createMrzBlockReader } from '../../models/tesseract.ts';
import { MRZ_LOCATORS, type MrzLocator } from '../../pipeline/mrz/index.ts';
import { createStagePool } from '../../workers/pool.ts';

const DIR = path.resolve(process.env.REAL_DOCS ?? '../shared/datasets/real-docs');
const RESULTS = fileURLToPath(new URL('./results/real-docs.json', import.meta.url));
const LIMITS = { maxUploadBytes: 5 * 1024 * 1024, maxPixels: 50_000_000, maxPdfPages: 10 };
/** How the portal would label each format's upload. */
const KIND: Record<string, DocumentKind> = {
  TD3: 'passport',
  'MRV-A': 'passport',
  TD2: 'residence_permit',
  'MRV-B': 'residence_permit',
  TD1: 'residence_permit',
};

interface Label {
  file: string;
  truth: string[];
  format: string;
  capture: string;
  expect: string;
}

const labels: Label[] = fs
  .readFileSync(path.join(DIR, 'labels.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [file, mrz, format, capture, note] = line.split('\t');
    return {
      file: file!,
      truth: mrz ? mrz.split('|') : [],
      format: format!,
      capture: capture!,
      expect: /^expect=(\w+)/.exec(note ?? '')?.[1] ?? 'valid',
    };
  });
/** Documents a reader should read: an MRZ that is there and visible. */
const readable = (label: Label) => label.truth.length > 0 && label.expect !== 'unreadable';

async function bytesOf(file: string): Promise<Buffer> {
  const bytes = await fs.promises.readFile(path.join(DIR, file));
  if (!file.endsWith('.bmp')) return bytes;
  const { rgb, width, height } = decodeBmp(bytes);
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

// ---- The naive baseline -------------------------------------------------------
const LENGTHS: Record<number, number> = { 44: 2, 36: 2, 30: 3 };
// The baseline as the issue describes it: no time limit on a block read.
const blockReader = await createMrzBlockReader(10 * 60_000);

/** The last run of lines that has an MRZ's shape, from OCR lines of a crop. */
function mrzLines(lines: string[]): string[] | undefined {
  for (const [length, count] of Object.entries(LENGTHS).map(([l, c]) => [Number(l), c] as const)) {
    const fitting = lines
      .map((line) => line.replace(/[^A-Z0-9<]/g, ''))
      .filter((line) => Math.abs(line.length - length) <= 1);
    if (fitting.length >= count) return fitting.slice(-count).map((line) => line.slice(0, length).padEnd(length, '<'));
  }
  return undefined;
}

const validParse = (lines: string[]) => {
  try {
    return parse(lines).valid;
  } catch {
    return false;
  }
};

async function naive(bytes: Buffer): Promise<{ lines?: string[]; ms: number }> {
  const started = performance.now();
  const upright = await sharp(bytes).rotate().greyscale().toBuffer({ resolveWithObject: true });
  let best: string[] | undefined;
  for (const share of [0.35, 0.5, 1]) {
    const { width, height } = upright.info;
    const top = Math.floor(height * (1 - share));
    const crop = await sharp(upright.data)
      .extract({ left: 0, top, width, height: height - top })
      .resize({ width: Math.max(width, 1600) })
      .png()
      .toBuffer();
    const lines = mrzLines((await blockReader.read(crop)).map((line) => line.text));
    if (lines && validParse(lines)) return { lines, ms: performance.now() - started };
    best ??= lines;
  }
  return { lines: best, ms: performance.now() - started };
}

// ---- The service's pipeline ---------------------------------------------------
const pool = createStagePool(2);

interface Row {
  file: string;
  format: string;
  expect: string;
  ours: Reading;
  /** Each MRZ locator on its own, the others off. */
  locators: Record<MrzLocator, { exact: boolean; ms: number }>;
  naive: { found: boolean; exact: boolean; ms: number };
}

interface Reading {
  found: boolean;
  exact: boolean;
  valid: boolean | null;
  checkDigits: Record<string, boolean>;
  quality: string[];
  mrzReason: string | null;
  vizReason: string | null;
  ms: number;
  stages: Record<string, number>;
}

async function ours(label: Label, bytes: Buffer, mrzLocators?: MrzLocator[]): Promise<Reading> {
  const started = performance.now();
  const intake = await pool.run({ type: 'inspect', bytes, limits: LIMITS });
  if (!intake.ok) {
    return {
      found: false,
      exact: false,
      valid: null,
      checkDigits: {},
      quality: [`intake:${intake.reasonCode}`],
      mrzReason: null,
      vizReason: null,
      ms: performance.now() - started,
      stages: {},
    };
  }
  const checks = await pool.run({
    type: 'process',
    document: { kind: KIND[label.format] ?? 'passport', contentType: intake.contentType, bytes },
    limits: LIMITS,
    now: new Date().toISOString(),
    faults: { stageDelayMs: 0 },
    mrzLocators,
  });
  const ms = performance.now() - started;
  const quality = checks.find((c) => c.stage === 'quality');
  const pages = (quality?.details.pages ?? []) as { failed?: string[] }[];
  const mrzCheck = checks.find((c) => c.stage === 'mrz');
  const mrz = (mrzCheck?.details.mrz ?? undefined) as
    { lines: string[]; valid: boolean; checkDigits: Record<string, boolean> } | undefined;
  return {
    found: Boolean(mrz),
    exact: Boolean(mrz && mrz.lines.join('|') === label.truth.join('|')),
    valid: mrz ? mrz.valid : null,
    checkDigits: mrz?.checkDigits ?? {},
    quality: [...new Set(pages.flatMap((page) => page.failed ?? []))],
    mrzReason: mrzCheck ? (mrzCheck.reasonCode ?? null) : 'not run',
    vizReason: checks.find((c) => c.stage === 'viz')?.reasonCode ?? null,
    ms,
    stages: Object.fromEntries(checks.map((c) => [c.stage, c.durationMs])),
  };
}

// Warm both sides on the first file, then measure one document at a time.
const first = labels.find(readable)!;
await ours(first, await bytesOf(first.file));
await naive(await bytesOf(first.file));

const rows: Row[] = [];
for (const label of labels) {
  const bytes = await bytesOf(label.file);
  const mine = await ours(label, bytes);
  const locators = {} as Row['locators'];
  for (const locator of MRZ_LOCATORS) {
    const alone = await ours(label, bytes, [locator]);
    locators[locator] = { exact: alone.exact, ms: Math.round(alone.ms) };
  }
  const baseline = await naive(bytes);
  rows.push({
    file: label.file,
    format: label.format,
    expect: label.expect,
    ours: { ...mine, ms: Math.round(mine.ms) },
    locators,
    naive: {
      found: Boolean(baseline.lines),
      exact: baseline.lines?.join('|') === label.truth.join('|'),
      ms: Math.round(baseline.ms),
    },
  });
  process.stderr.write(`[${rows.length}/${labels.length}] ${label.file}\n`);
}
await pool.close();
await blockReader.close();

const target = rows.filter((row) => readable(labels.find((l) => l.file === row.file)!));
const count = (list: Row[], predicate: (row: Row) => boolean) => list.filter(predicate).length;
const oursExact = count(target, (r) => r.ours.exact);
const naiveExact = count(target, (r) => r.naive.exact);
const summary = {
  documents: target.length,
  ours: {
    exact: oursExact,
    found: count(target, (r) => r.ours.found),
    refusedByGate: count(target, (r) => r.ours.quality.length > 0 && !r.ours.exact),
    flaggedByGate: count(target, (r) => r.ours.quality.length > 0),
    p50ms: percentile(
      target.map((r) => r.ours.ms),
      50,
    ),
    p95ms: percentile(
      target.map((r) => r.ours.ms),
      95,
    ),
  },
  naive: {
    exact: naiveExact,
    p50ms: percentile(
      target.map((r) => r.naive.ms),
      50,
    ),
    p95ms: percentile(
      target.map((r) => r.naive.ms),
      95,
    ),
  },
  ratio: naiveExact ? Math.round((oursExact / naiveExact) * 100) / 100 : null,
  locatorsAlone: Object.fromEntries(
    MRZ_LOCATORS.map((locator) => [
      locator,
      {
        exact: count(target, (r) => r.locators[locator].exact),
        p50ms: percentile(
          target.map((r) => r.locators[locator].ms),
          50,
        ),
      },
    ]),
  ),
  // A printed zone the reader does not know is viz_unreadable, never a mismatch.
  vizMismatch: rows.filter((r) => r.ours.vizReason === 'viz_mrz_mismatch').map((r) => r.file),
  stageMs: Object.fromEntries(
    [...new Set(target.flatMap((r) => Object.keys(r.ours.stages)))].map((stage) => {
      const times = target.flatMap((r) => (stage in r.ours.stages ? [r.ours.stages[stage]!] : []));
      return [stage, { p50: percentile(times, 50), p95: percentile(times, 95) }];
    }),
  ),
  // Specimens that print a wrong check digit on purpose must be reported invalid.
  invalidReportedInvalid: rows
    .filter((r) => r.expect === 'invalid')
    .map((r) => ({ file: r.file, found: r.ours.found, valid: r.ours.valid })),
  byFormat: Object.fromEntries(
    [...new Set(target.map((r) => r.format))].map((format) => {
      const list = target.filter((r) => r.format === format);
      return [
        format,
        { n: list.length, ours: count(list, (r) => r.ours.exact), naive: count(list, (r) => r.naive.exact) },
      ];
    }),
  ),
};

console.table(
  rows.map((r) => ({
    file: r.file.slice(0, 40),
    format: r.format,
    'ours exact': r.ours.exact ? 'yes' : r.ours.found ? 'wrong' : '—',
    'check digits':
      r.ours.valid === null
        ? ''
        : r.ours.valid
          ? 'valid'
          : Object.entries(r.ours.checkDigits)
              .filter(([, ok]) => !ok)
              .map(([k]) => k)
              .join(',') || 'invalid',
    quality: r.ours.quality.join(','),
    'mrz reason': r.ours.mrzReason ?? '',
    'ours ms': r.ours.ms,
    ...Object.fromEntries(MRZ_LOCATORS.map((locator) => [`${locator} alone`, r.locators[locator].exact ? 'yes' : '—'])),
    viz: r.ours.vizReason ?? '',
    'naive exact': r.naive.exact ? 'yes' : r.naive.found ? 'wrong' : '—',
    'naive ms': r.naive.ms,
  })),
);
console.log(
  `real-docs: ${summary.documents} readable MRZ documents — ours ${oursExact} exact, naive baseline ${naiveExact} exact, ratio ${summary.ratio}; ` +
    `flagged by the quality gate ${summary.ours.flaggedByGate} (of them not read: ${summary.ours.refusedByGate}); ` +
    `ours p50/p95 ${summary.ours.p50ms}/${summary.ours.p95ms} ms, naive ${summary.naive.p50ms}/${summary.naive.p95ms} ms`,
);
console.table(Object.entries(summary.byFormat).map(([format, v]) => ({ format, ...v })));
console.table(
  Object.entries(summary.locatorsAlone).map(([locator, v]) => ({
    'MRZ locator alone': locator,
    ...v,
    naive: naiveExact,
  })),
);
console.table(Object.entries(summary.stageMs).map(([stage, v]) => ({ stage, 'p50 ms': v.p50, 'p95 ms': v.p95 })));
console.log(
  `false viz_mrz_mismatch: ${summary.vizMismatch.length}${summary.vizMismatch.length ? ` (${summary.vizMismatch.join(', ')})` : ''}`,
);
fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
fs.writeFileSync(RESULTS, `${JSON.stringify({ dataset: DIR, summary, rows }, null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), RESULTS)}`);
