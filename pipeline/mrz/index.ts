// MRZ stage: find the machine readable zone on the pages, read its lines,
// repair them with their check digits and parse them (`mrz` package: TD1,
// TD2, TD3). Several candidates are read — the located text rows of the
// upright page (and turned 180°), then plain bottom crops read as one block —
// and the check digits choose: the first whose every digit agrees wins, else
// the one with most agreeing digits. Any layout is accepted on any kind of
// document: a residence permit may be a TD1 card or a TD2 or TD3 booklet.
import { parse } from 'mrz';
import type { LineReading } from '../../models/tesseract.ts';
import type { ReasonCode } from '../../core/reasons.ts';
import { TimeoutError } from '../../core/timeout.ts';
import type { DocumentKind } from '../../generated/prisma/enums.ts';
import type { NormalizedPage } from '../normalize/index.ts';
import type { StageVerdict } from '../types.ts';
import { correctLine, type Correction } from './line-correction.ts';
import { cropGrey, greyPng, resizeGrey, turn180, uprightDocument, type Grey } from '../image/document.ts';
import { bottomTextRows, lowerPart } from './locate.ts';


/** ICAO 9303 layouts by line length: TD3 (and MRV-A) 2×44, TD2 (and MRV-B) 2×36, TD1 3×30. */
const LAYOUTS = [
  { length: 44, lines: 2 },
  { length: 36, lines: 2 },
  { length: 30, lines: 3 },
] as const;

/** After this long, no further candidate is tried: a page of noise is not read for ever. */
const SEARCH_BUDGET_MS = 8_000;

/** The kinds that carry an MRZ, and how many rows to look for, in order: a passport's two first, a card's three. */
const ROW_COUNTS: Partial<Record<DocumentKind, readonly number[]>> = { passport: [2, 3], residence_permit: [3, 2] };

/** Shares of the page, from the bottom, read as one block when the located rows do not give a zone. */
const BOTTOM_CROPS = [0.35, 0.5, 1] as const;
/** A block crop narrower than this is scaled up first: MRZ characters of 8–15 px read badly. */
const BLOCK_WIDTH = 1600;

/** The `mrz` package's field names → ours, for the fields the rest of the pipeline reads. */
const FIELD_NAMES: Record<string, string> = {
  documentCode: 'documentCode',
  issuingState: 'issuingState',
  documentNumber: 'documentNumber',
  lastName: 'surname',
  firstName: 'givenNames',
  nationality: 'nationality',
  birthDate: 'dateOfBirth',
  sex: 'sex',
  expirationDate: 'dateOfExpiry',
};

const CHECK_DIGITS: Record<string, string> = {
  documentNumberCheckDigit: 'documentNumber',
  birthDateCheckDigit: 'dateOfBirth',
  expirationDateCheckDigit: 'dateOfExpiry',
  personalNumberCheckDigit: 'personalNumber',
  compositeCheckDigit: 'composite',
};

export interface MrzReading {
  format: string;
  lines: string[];
  valid: boolean;
  fields: Record<string, string>;
  /** Check digit → whether it agrees. */
  checkDigits: Record<string, boolean>;
  corrections: Correction[];
  page: number;
  rotation: number;
}

/** YYMMDD → YYYY-MM-DD; birth dates in the future belong to the previous century, expiry dates to this one. */
function isoDate(yymmdd: string, kind: 'birth' | 'expiry', now: Date): string {
  const yy = Number(yymmdd.slice(0, 2));
  const century = kind === 'expiry' || 2000 + yy <= now.getUTCFullYear() ? 2000 : 1900;
  return `${century + yy}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}`;
}

/** The last run of lines, top to bottom, that has an MRZ layout's shape (every line its exact length). */
export function zoneIn(lines: readonly string[]): string[] | undefined {
  for (let end = lines.length; end > 0; end--) {
    for (const layout of LAYOUTS) {
      const run = lines.slice(Math.max(0, end - layout.lines), end);
      if (run.length === layout.lines && run.every((line) => line.length === layout.length)) return run;
    }
  }
  return undefined;
}

/** The parsed MRZ, or undefined where the `mrz` package cannot parse the lines at all. */
function toReading(lines: string[], corrections: Correction[], page: number, rotation: number, now: Date): MrzReading | undefined {
  let result: ReturnType<typeof parse>;
  try {
    result = parse(lines);
  } catch {
    return undefined;
  }
  const fields: Record<string, string> = {};
  for (const [theirs, ours] of Object.entries(FIELD_NAMES)) {
    const value = (result.fields as Record<string, string | null>)[theirs];
    if (value == null) continue;
    fields[ours] =
      theirs === 'birthDate' ? isoDate(value, 'birth', now) : theirs === 'expirationDate' ? isoDate(value, 'expiry', now) : theirs === 'sex' ? { male: 'M', female: 'F' }[value] ?? 'X' : value;
  }
  // The package reports unknown state codes as null; keep what the document says.
  if (!fields.issuingState) fields.issuingState = result.details.find((d) => d.field === 'issuingState')?.value ?? '';
  const checkDigits = Object.fromEntries(
    result.details.flatMap((d) => (d.field && d.field in CHECK_DIGITS ? [[CHECK_DIGITS[d.field]!, d.valid]] : [])),
  );
  return { format: result.format, lines, valid: result.valid, fields, checkDigits, corrections, page, rotation };
}

/** A page's document, upright; `oriented` once its MRZ showed which way up it is, and then where the MRZ begins. */
export interface PageView {
  image: Grey;
  oriented: boolean;
  mrzTop?: number;
}

/**
 * Share of the document's height above its MRZ (ICAO 9303: the MRZ zone is the
 * lower 23.2 mm of a TD3 page's 88 mm, 17.9 mm of a TD1 card's 54 mm), with a
 * margin for a page scanned with some background under it.
 */
const ABOVE_MRZ: Record<string, number> = { TD3: 0.74, TD1: 0.64 };

export type MrzResult = StageVerdict & { mrz?: MrzReading; views: Record<number, PageView> };

export interface MrzOcr {
  /** One MRZ line per image. */
  line(image: Buffer): Promise<LineReading>;
  /** A crop holding the whole zone, as lines top to bottom. */
  block(image: Buffer): Promise<LineReading[]>;
}

/** How good a reading is: all check digits agreeing first, then how many agree. */
const agreeing = (mrz: MrzReading) => Object.values(mrz.checkDigits).filter(Boolean).length;
const better = (a: MrzReading, b: MrzReading | undefined) => !b || (a.valid !== b.valid ? a.valid : agreeing(a) > agreeing(b));

/** The bottom `share` of an image, wide enough for the MRZ model. */
async function bottomCrop(image: Grey, share: number): Promise<Buffer> {
  const top = Math.floor(image.height * (1 - share));
  const crop = await cropGrey(image, { left: 0, top, width: image.width, height: image.height - top });
  return greyPng(crop.width < BLOCK_WIDTH ? await resizeGrey(crop, Math.round((BLOCK_WIDTH / crop.width) * Math.max(crop.width, crop.height))) : crop);
}

/**
 * Reads the MRZ: for each page (readable pages first), each candidate in turn
 * until one has every check digit agreeing; otherwise the best partial reading.
 */
export async function readMrz(kind: DocumentKind, pages: NormalizedPage[], readablePages: number[], ocr: MrzOcr, now: Date): Promise<MrzResult> {
  const views: Record<number, PageView> = {};
  const rowCounts = ROW_COUNTS[kind];
  if (!rowCounts) return { outcome: 'pass', details: { skipped: `${kind} has no MRZ` }, views };
  const ordered = [...pages].sort((a, b) => Number(readablePages.includes(b.index)) - Number(readablePages.includes(a.index)));
  const tried: { page: number; rotation: number; how: string; lines: string[] }[] = [];
  let best: { mrz: MrzReading; image: Grey } | undefined;

  /** Repairs and parses what one candidate read; true when it settles the search. */
  const consider = (raw: string[], how: string, page: number, rotation: number, image: Grey): boolean => {
    const read = raw.map((text) => correctLine(text));
    const lines = zoneIn(read.map((line) => line.text));
    tried.push({ page, rotation, how, lines: lines ?? read.map((line) => line.text) });
    const mrz = lines && toReading(lines, read.filter((line) => lines.includes(line.text)).flatMap((line) => line.corrections), page, rotation, now);
    if (mrz && better(mrz, best?.mrz)) best = { mrz, image };
    return Boolean(best?.mrz.valid);
  };

  const started = performance.now();
  const outOfTime = () => performance.now() - started > SEARCH_BUDGET_MS;
  search: for (const page of ordered) {
    const upright = await uprightDocument(page.raster);
    views[page.index] = { image: upright.image, oriented: false };
    const turns = [0, 180].map((halfTurn) => ({ image: halfTurn ? turn180(upright.image) : upright.image, rotation: upright.rotation + halfTurn }));
    // The located text rows, each read as one line: as many rows as the kind's usual layout first
    // (the band around fewer rows deskews better), then the other count.
    for (const { image, rotation } of turns) {
      const lower = await lowerPart(image);
      for (const count of rowCounts) {
        const rows = await bottomTextRows(lower, count);
        const texts = await Promise.all(rows.map(async (row) => (await ocr.line(row.png)).text));
        if (consider(texts, `${count} rows`, page.index, rotation, image)) break search;
      }
    }
    // Plain bottom crops read as one block: tight crops, bands, layouts the row finder misses.
    for (const { image, rotation } of turns) {
      for (const share of BOTTOM_CROPS) {
        if (outOfTime()) break search;
        // A block that takes too long is noise, not an MRZ: no lines.
        const lines = await ocr.block(await bottomCrop(image, share)).catch((error: unknown) => {
          if (error instanceof TimeoutError) return [];
          throw error;
        });
        if (consider(lines.map((line) => line.text), `bottom ${share * 100}%`, page.index, rotation, image)) break search;
      }
    }
  }
  if (!best) return { outcome: 'fail', reasonCode: 'mrz_not_found', details: { tried }, views };
  const { mrz, image } = best;
  views[mrz.page] = { image, oriented: true, mrzTop: Math.round(image.height * (ABOVE_MRZ[mrz.format] ?? 1)) };
  const failed = Object.entries(mrz.checkDigits).find(([, ok]) => !ok)?.[0];
  if (failed) return { outcome: 'fail', reasonCode: 'mrz_check_digit_invalid', params: { field: failed }, details: { mrz }, mrz, views };
  const reasonCode: ReasonCode | undefined = mrz.valid ? undefined : 'mrz_format_invalid';
  return { outcome: mrz.valid ? 'pass' : 'fail', reasonCode, details: { mrz }, mrz, views };
}
