// MRZ stage: find the machine readable zone on the readable pages, read its
// lines, repair them with their check digits and parse them (`mrz` package:
// TD1, TD2, TD3). The result is the document's MRZ with every check digit's
// verdict, or the reason it could not be read.
import { parse } from 'mrz';
import type { LineReading } from '../../models/tesseract.ts';
import type { ReasonCode } from '../../core/reasons.ts';
import type { DocumentKind } from '../../generated/prisma/enums.ts';
import type { NormalizedPage } from '../normalize/index.ts';
import type { StageVerdict } from '../types.ts';
import { correctLine, type Correction } from './line-correction.ts';
import { turn180, uprightDocument, type Grey } from '../image/document.ts';
import { bottomTextRows, lowerPart } from './locate.ts';

/** Lines and length of each document kind's MRZ. */
const MRZ_SHAPE: Partial<Record<DocumentKind, { lines: number; length: number }>> = {
  passport: { lines: 2, length: 44 },
  residence_permit: { lines: 3, length: 30 },
};

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

function toReading(lines: string[], corrections: Correction[], page: number, rotation: number, now: Date): MrzReading {
  const result = parse(lines);
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

/** Reads the MRZ of the first page (readable pages first) where one is found, trying the page upside down too. */
export async function readMrz(
  kind: DocumentKind,
  pages: NormalizedPage[],
  readablePages: number[],
  ocr: (image: Buffer) => Promise<LineReading>,
  now: Date,
): Promise<MrzResult> {
  const shape = MRZ_SHAPE[kind];
  const views: Record<number, PageView> = {};
  if (!shape) return { outcome: 'pass', details: { skipped: `${kind} has no MRZ` }, views };
  const ordered = [...pages].sort((a, b) => Number(readablePages.includes(b.index)) - Number(readablePages.includes(a.index)));
  const tried: { page: number; rotation: number; found: string; lines: string[] }[] = [];
  for (const page of ordered) {
    const upright = await uprightDocument(page.raster);
    views[page.index] = { image: upright.image, oriented: false };
    for (const halfTurn of [0, 180]) {
      const image = halfTurn ? turn180(upright.image) : upright.image;
      const rotation = upright.rotation + halfTurn;
      const rows = await bottomTextRows(await lowerPart(image), shape.lines);
      const read = await Promise.all(rows.map(async (row) => correctLine((await ocr(row.png)).text)));
      const lines = read.map((line) => line.text);
      tried.push({ page: page.index, rotation, found: upright.found, lines });
      if (lines.length === shape.lines && lines.every((line) => line.length === shape.length)) {
        const mrz = toReading(lines, read.flatMap((line) => line.corrections), page.index, rotation, now);
        views[page.index] = { image, oriented: true, mrzTop: Math.round(image.height * (ABOVE_MRZ[mrz.format] ?? 1)) };
        const failed = Object.entries(mrz.checkDigits).find(([, ok]) => !ok)?.[0];
        if (failed) return { outcome: 'fail', reasonCode: 'mrz_check_digit_invalid', params: { field: failed }, details: { mrz }, mrz, views };
        const reasonCode: ReasonCode | undefined = mrz.valid ? undefined : 'mrz_format_invalid';
        return { outcome: mrz.valid ? 'pass' : 'fail', reasonCode, details: { mrz }, mrz, views };
      }
    }
  }
  return { outcome: 'fail', reasonCode: 'mrz_not_found', details: { tried }, views };
}
