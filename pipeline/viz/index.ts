// Visual zone: the printed fields of a passport data page or a residence
// permit, read by their labels (Latin and Cyrillic), and compared field by
// field with the MRZ. Check digits do not cover names, and look-alike letters
// pass them: the printed zone is the second witness.
import type { DocumentKind } from '../../generated/prisma/enums.ts';
import { CHARSET, nameParts, parse, type FieldRule, type FormReading } from '../forms/index.ts';
import { readPrintedFields, type TextOcr } from '../forms/read.ts';
import type { MrzReading, PageView } from '../mrz/index.ts';
import { compareName } from '../names/transliteration.ts';
import type { NormalizedPage } from '../normalize/index.ts';
import { sameUpToLookalikes } from '../ocr/lookalikes.ts';
import type { StageVerdict } from '../types.ts';

/** Labels of ICAO data pages and the Russian residence permit, in both languages. */
export const VIZ_FIELDS: readonly FieldRule[] = [
  {
    field: 'documentNumber',
    label: /passport\s*no|document\s*no|номер|(^|\/)\s*no\.?\s*$/i,
    parse: parse.documentNumber,
    charset: CHARSET.code,
  },
  { field: 'surname', label: /surname|фамилия/i, parse: parse.name, charset: CHARSET.name, bilingual: true },
  { field: 'givenNames', label: /given\s*names?|имя/i, parse: parse.name, charset: CHARSET.name, bilingual: true },
  { field: 'dateOfBirth', label: /date\s*of\s*birth|дата\s*рождения/i, parse: parse.date, charset: CHARSET.date },
  {
    field: 'dateOfExpiry',
    label: /date\s*of\s*expiry|valid\s*until|действителен\s*до/i,
    parse: parse.date,
    charset: CHARSET.date,
  },
  { field: 'sex', label: /(^|\/)\s*sex\s*$/i, parse: parse.sex, charset: CHARSET.sex },
];

/**
 * OCR resolution of the document's longer side, so that printed values come out
 * ≈ 25 px high: a passport page fills its image, a residence permit shares the
 * scan with its back side.
 */
const VIZ_SIDE: Partial<Record<DocumentKind, number>> = { passport: 1200, residence_permit: 1600 };

export type FieldStatus = 'match' | 'mismatch' | 'uncertain' | 'unread';

export interface FieldComparison {
  field: string;
  status: FieldStatus;
  viz?: string;
  mrz?: string;
  note?: string;
}

export interface VizReading {
  fields: FormReading;
  comparison: FieldComparison[];
}

/** Below this OCR confidence a one-letter difference is a misreading as likely as a different value. */
const SURE = 0.7;

type Compare = (viz: string, mrz: string, confidence: number) => Omit<FieldComparison, 'field' | 'viz' | 'mrz'>;

const exactly: Compare = (viz, mrz, confidence) =>
  viz === mrz ? { status: 'match' } : { status: confidence >= SURE ? 'mismatch' : 'uncertain', note: 'differs' };

const sameCode: Compare = (viz, mrz, confidence) => {
  if (viz === mrz) return { status: 'match' };
  if (sameUpToLookalikes(viz, mrz)) return { status: 'match', note: 'equal up to look-alike characters' };
  const distance = compareName({ latin: viz }, mrz).distance;
  return {
    status: distance > 1 || confidence >= SURE ? 'mismatch' : 'uncertain',
    note: `${distance} character(s) differ`,
  };
};

const sameName: Compare = (viz, mrz, confidence) => {
  const { latin, cyrillic } = nameParts(viz);
  const target = mrz.replace(/</g, ' ').trim();
  // The Latin line is what the MRZ was written from; a Cyrillic line decides only when it stands alone.
  if (latin) {
    const printed = latin.replace(/[\s-]+/g, ' ');
    // Letter-spaced print reads with stray spaces («MUS TERMANN»): spacing alone is no difference.
    if (printed.replace(/ /g, '') === target.replace(/ /g, ''))
      return { status: 'match', note: 'equal but for spacing' };
    const result = sameCode(printed, target, confidence);
    // The MRZ cuts long names short; the printed name is the whole.
    if (result.status === 'mismatch' && printed.startsWith(target))
      return { status: 'match', note: 'truncated in the MRZ' };
    return result;
  }
  if (!cyrillic) return { status: 'unread' };
  const transliterated = compareName({ cyrillic }, target);
  const status =
    transliterated.result === 'match'
      ? 'match'
      : transliterated.result === 'mismatch' && confidence >= SURE
        ? 'mismatch'
        : 'uncertain';
  return { status, note: transliterated.explanation };
};

const COMPARED: readonly { field: string; compare: Compare }[] = [
  { field: 'documentNumber', compare: sameCode },
  { field: 'surname', compare: sameName },
  { field: 'givenNames', compare: sameName },
  { field: 'dateOfBirth', compare: exactly },
  { field: 'dateOfExpiry', compare: exactly },
  { field: 'sex', compare: exactly },
];

export function compareWithMrz(fields: FormReading, mrz: Record<string, string>): FieldComparison[] {
  return COMPARED.map(({ field, compare }) => {
    const read = fields[field];
    const expected = mrz[field];
    if (!read || expected === undefined) return { field, status: 'unread', ...(expected ? { mrz: expected } : {}) };
    return { field, viz: read.value, mrz: expected, ...compare(read.value, expected, read.confidence) };
  });
}

export type VizResult = StageVerdict & { viz?: VizReading };

/** At least this many fields must be confirmed for the printed zone to count as read (and one fewer beside a mismatch). */
const MIN_CONFIRMED = 4;

/**
 * The verdict of a comparison. A difference counts only where the reader knows
 * the layout — most other fields agree; on a layout it does not know, labels
 * land on other values: that is «unreadable» (warn), never a mismatch, since a
 * false mismatch sends an honest applicant to a reviewer.
 */
export function vizVerdict(comparison: readonly FieldComparison[]): Omit<StageVerdict, 'details'> {
  const confirmed = comparison.filter((c) => c.status === 'match').length;
  const mismatch = comparison.find((c) => c.status === 'mismatch');
  if (mismatch && confirmed >= MIN_CONFIRMED - 1)
    return { outcome: 'fail', reasonCode: 'viz_mrz_mismatch', params: { field: mismatch.field } };
  if (confirmed < MIN_CONFIRMED)
    return { outcome: 'warn', reasonCode: 'viz_unreadable', params: { confirmed, of: COMPARED.length } };
  return { outcome: 'pass', score: confirmed / COMPARED.length };
}

export async function readViz(
  kind: DocumentKind,
  pages: NormalizedPage[],
  readablePages: number[],
  mrz: MrzReading | undefined,
  views: Record<number, PageView> | undefined,
  ocr: TextOcr,
): Promise<VizResult> {
  const reading = { side: VIZ_SIDE[kind] ?? 1200, bands: 2 } as const;
  const fields = await readPrintedFields(pages, readablePages, VIZ_FIELDS, ocr, reading, views);
  const viz = { fields, comparison: mrz ? compareWithMrz(fields, mrz.fields) : [] };
  return { ...vizVerdict(viz.comparison), details: viz, viz };
}
