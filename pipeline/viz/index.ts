// Visual zone: the printed fields of a passport data page or a residence
// permit, read by their labels (Latin and Cyrillic), and compared field by
// field with the MRZ. Check digits do not cover names, and look-alike letters
// pass them: the printed zone is the second witness.
import type { Box } from '../../models/tesseract.ts';
import type { DocumentKind } from '../../generated/prisma/enums.ts';
import type { NormalizedPage } from '../normalize/index.ts';
import {
  cropGrey,
  eraseRules,
  evenLight,
  greyPng,
  inkBand,
  resizeGrey,
  turn180,
  twoTone,
  uprightDocument,
  type Grey,
} from '../image/document.ts';
import type { MrzReading, PageView } from '../mrz/index.ts';
import { compareName } from '../names/transliteration.ts';
import type { StageContext, StageVerdict } from '../types.ts';
import {
  bestValues,
  CHARSET,
  fuseReadings,
  labelHits,
  locateFields,
  nameParts,
  parse,
  type FieldReading,
  type FieldRule,
  type FieldSlot,
  type FormReading,
} from '../forms/index.ts';
import { sameUpToLookalikes } from '../ocr/lookalikes.ts';

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

export type TextOcr = Pick<StageContext['ocr'], 'latin' | 'cyrillic' | 'mrzLine'>;

/** Values read with less confidence than this on the page are read again, cut out, with their charset. */
const REREAD_BELOW = 0.8;

const padded = (image: Grey, box: Box, pad: number) => {
  const left = Math.max(0, Math.round(box.left - pad));
  const top = Math.max(0, Math.round(box.top - pad));
  return cropGrey(image, {
    left,
    top,
    width: Math.min(image.width, Math.round(box.right + pad)) - left,
    height: Math.min(image.height, Math.round(box.bottom + pad)) - top,
  });
};

/**
 * Scales a lone value is tried at: Tesseract's line recogniser is touchy about
 * glyph height (a monospaced date read at 0 % confidence at one size reads at
 * 95 % at three quarters of it).
 */
const REREAD_SCALES = [1, 0.75, 1.35];

/** Height of an MRZ line's crop at working size: the MRZ model reads glyphs of that size best. */
const MRZ_CROP_HEIGHT = 50;

/**
 * A typed value read by the MRZ (OCR-B) model and fused with the page's reading.
 * Two models that agree up to look-alikes make the value as sure as the surer of
 * them; disagreeing, as the less sure.
 */
async function readTyped(crop: Grey, band: Box, slot: FieldSlot, ocr: TextOcr): Promise<FieldReading | undefined> {
  // Sized as the MRZ lines the model reads at working size (the band holds the glyphs and 40 % margins).
  const sized = await resizeGrey(crop, Math.round((crop.width * MRZ_CROP_HEIGHT) / crop.height));
  const line = await ocr.mrzLine(await greyPng(await twoTone(sized, 0)));
  const ocrB = slot.rule.parse(line.text);
  if (!ocrB) return undefined;
  const page = slot.value;
  const value = page ? slot.rule.parse(fuseReadings(page.value, ocrB)) : ocrB;
  if (!value) return undefined;
  const [own, other] = [line.confidence / 100, page?.confidence ?? 0];
  const confidence = page && sameUpToLookalikes(page.value, ocrB) ? Math.max(own, other) : Math.min(own, other);
  return { value, confidence, text: `${page?.text ?? ''} | ${line.text}`, box: band };
}

/**
 * A value the page OCR missed or doubted, read again on its own as one line of
 * its own characters, at several sizes. A sure reading ends the search; among
 * unsure ones a whole one wins, then the value read most often, then the surest.
 * A typed value is always read again by the OCR-B model first.
 */
async function reread(image: Grey, slot: FieldSlot, ocr: TextOcr): Promise<FieldSlot> {
  const sure = slot.value !== undefined && slot.value.confidence >= REREAD_BELOW;
  if (sure && !slot.rule.typed) return slot;
  const band = inkBand(image, slot.value?.box ?? slot.region);
  if (!band) return slot;
  const crop = await cropGrey(image, {
    left: band.left,
    top: band.top,
    width: band.right - band.left,
    height: band.bottom - band.top,
  });
  if (slot.rule.typed) {
    const typed = await readTyped(crop, band, slot, ocr);
    if (typed) return { ...slot, value: typed };
    if (sure) return slot;
  }
  const readings: FieldReading[] = slot.value ? [slot.value] : [];
  for (const scale of REREAD_SCALES) {
    const sized = scale === 1 ? crop : await resizeGrey(crop, Math.round(Math.max(crop.width, crop.height) * scale));
    const [line] = await ocr.latin(await greyPng(await twoTone(sized, Math.round(sized.height * 0.5))), {
      layout: 'line',
      charset: slot.rule.charset,
    });
    const value = line && slot.rule.parse(line.text);
    if (!value) continue;
    const reading = { value, confidence: line.confidence / 100, text: line.text, box: band };
    if (reading.confidence >= REREAD_BELOW) return { ...slot, value: reading };
    readings.push(reading);
  }
  // A bilingual value's Latin half (printed last) is what the votes count: read in Latin, its Cyrillic half is noise.
  const key = (value: string) => (slot.rule.bilingual ? value.split('/').at(-1)!.trim() : value);
  const votes = (value: string) => readings.filter((r) => key(r.value) === key(value)).length;
  // «САФАРОВ / SAFAROV» read without its slash is one garbled name, whatever the votes.
  const whole = (value: string) => Number(!slot.rule.bilingual || value.includes('/'));
  const best = readings.sort(
    (a, b) => whole(b.value) - whole(a.value) || votes(b.value) - votes(a.value) || b.confidence - a.confidence,
  )[0];
  return best ? { ...slot, value: best } : slot;
}

/** «КОДИРОВ / QODIROV» read in Latin has a garbled first half: read that half again in Cyrillic. */
async function readCyrillicHalf(image: Grey, reading: FieldReading, ocr: TextOcr): Promise<FieldReading> {
  const [, latin] = reading.value.split('/');
  if (latin === undefined) return reading;
  const crop = await padded(image, reading.box, (reading.box.bottom - reading.box.top) * 0.3);
  // The value's own line: the crop may catch the foot of the label above it.
  const lines = await ocr.cyrillic(await greyPng(crop));
  const cyrillic =
    (lines.find((line) => line.text.includes('/')) ?? lines.sort((a, b) => b.text.length - a.text.length)[0])?.text ??
    '';
  const half = parse.name(cyrillic.split('/')[0] ?? '');
  return half ? { ...reading, value: `${half} / ${latin.trim()}`, text: `${cyrillic} | ${reading.text}` } : reading;
}

/** Fields of the best-read pages; pages whose way up the MRZ showed are read that way only. */
export async function readPrintedFields(
  pages: NormalizedPage[],
  readablePages: number[],
  rules: readonly FieldRule[],
  ocr: TextOcr,
  side: number,
  views: Record<number, PageView> = {},
): Promise<FormReading> {
  const fields: FormReading = {};
  for (const page of pages.filter((p) => readablePages.includes(p.index))) {
    const view = views[page.index] ?? { image: (await uprightDocument(page.raster)).image, oriented: false };
    // Above the MRZ only: its lines are the most expensive text on the page and are read already.
    const printed = view.mrzTop
      ? await cropGrey(view.image, { left: 0, top: 0, width: view.image.width, height: view.mrzTop })
      : view.image;
    let image = eraseRules(await evenLight(await resizeGrey(printed, side)));
    let lines = await ocr.latin(await greyPng(image));
    // Text rows give the page's axis but not which way up: take the turn whose labels read.
    if (!view.oriented && labelHits(lines, rules) < rules.length / 2) {
      const turned = turn180(image);
      const turnedLines = await ocr.latin(await greyPng(turned));
      if (labelHits(turnedLines, rules) > labelHits(lines, rules)) [image, lines] = [turned, turnedLines];
    }
    const slots = await Promise.all(locateFields(lines, rules, image).map((slot) => reread(image, slot, ocr)));
    for (const [field, found] of Object.entries(bestValues(slots))) {
      const reading = rules.find((rule) => rule.field === field)?.bilingual
        ? await readCyrillicHalf(image, found, ocr)
        : found;
      if (!fields[field] || fields[field].confidence < reading.confidence) fields[field] = reading;
    }
  }
  return fields;
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
  const fields = await readPrintedFields(pages, readablePages, VIZ_FIELDS, ocr, VIZ_SIDE[kind] ?? 1200, views);
  const viz = { fields, comparison: mrz ? compareWithMrz(fields, mrz.fields) : [] };
  return { ...vizVerdict(viz.comparison), details: viz, viz };
}
