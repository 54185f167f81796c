// Migration card: no MRZ, a bilingual form filled in by hand or by a border
// officer's printer. Its fields are read by their labels; the series and the
// number are checked for their length, dates for being dates.
import { states } from 'mrz';
import type { NormalizedPage } from '../normalize/index.ts';
import type { StageVerdict } from '../types.ts';
import { asDigits, CHARSET, parse, toLatin, type FieldRule, type FormReading } from '../forms/index.ts';
import { readPrintedFields, type TextOcr } from '../forms/read.ts';

/** English country names (as the `mrz` package lists them) → ICAO code. */
const COUNTRY_CODES = new Map(
  Object.entries(states as Record<string, string>).map(([code, name]) => [
    name
      .toUpperCase()
      .replace(/\(.*\)/g, '')
      .replace(/[^A-Z]/g, ''),
    code,
  ]),
);

const country = (text: string) => {
  const key = toLatin(text).replace(/[^A-Z]/g, '');
  return COUNTRY_CODES.get(key) ?? (Object.hasOwn(states, key) ? key : undefined);
};

/** «№» before the card number, which OCR also reads as «No», «Ne» or «N». */
const NUMBER_SIGN = /№|\bN[oe]?\b/i;

const SERIES = /серия|eries/i;

/** The four digits before «№» (or, without a readable sign, the row's first group). */
const cardSeries = (text: string) => asDigits(text.split(NUMBER_SIGN)[0]!).match(/^\D*(\d{4})(?!\d)/)?.[1];

/** The seven digits after «№»; without a readable sign, the row's last seven-digit group. */
function cardNumber(text: string): string | undefined {
  const parts = text.split(NUMBER_SIGN);
  if (parts.length > 1) return parse.digits(7)(parts.at(-1)!);
  return asDigits(text).match(/(?<!\d)(\d{7})\s*$/)?.[1];
}

/** OCR resolution of the card's longer side (A6): typed values come out ≈ 30 px high (at 1200 px short words vanish). */
const CARD_SIDE = 1600;

/**
 * Latin labels are matched without their first letter, which OCR loses on
 * tilted cards («dentity document»). Anchors: where each label begins on the
 * A6 form (148 × 105 mm), as the form the fixtures render prints it.
 */
export const MIGRATION_CARD_FIELDS: readonly FieldRule[] = [
  // Series and number share one row under «Серия / Series»: «4582   № 4377174».
  { field: 'series', label: SERIES, anchor: { x: 92, y: 6.8 }, parse: cardSeries, charset: `${CHARSET.digits}No ` },
  { field: 'number', label: SERIES, anchor: { x: 92, y: 6.8 }, parse: cardNumber, charset: `${CHARSET.digits}No ` },
  { field: 'surname', label: /фамилия|urname/i, anchor: { x: 5.9, y: 19.9 }, parse: parse.name, charset: CHARSET.name },
  {
    field: 'givenNames',
    label: /имя|iven\s*names?/i,
    anchor: { x: 5.9, y: 31.9 },
    parse: parse.name,
    charset: CHARSET.name,
  },
  {
    field: 'dateOfBirth',
    label: /дата\s*рождения|of\s*birth/i,
    anchor: { x: 5.9, y: 43.9 },
    parse: parse.date,
    charset: CHARSET.date,
  },
  { field: 'sex', label: /(^|\/)\s*sex\s*$/i, anchor: { x: 66.9, y: 43.9 }, parse: parse.sex, charset: CHARSET.sex },
  {
    field: 'nationality',
    label: /гражданство|ationality/i,
    anchor: { x: 89.9, y: 43.9 },
    parse: country,
    charset: CHARSET.name,
  },
  {
    field: 'passportNumber',
    label: /удостоверяющ|dentity\s*doc/i,
    anchor: { x: 5.9, y: 55.9 },
    parse: parse.documentNumber,
    charset: CHARSET.code,
    typed: true,
  },
  {
    field: 'entryDate',
    label: /дата\s*въезда|of\s*entry/i,
    anchor: { x: 5.9, y: 82.9 },
    parse: parse.date,
    charset: CHARSET.date,
  },
  {
    field: 'stayUntil',
    label: /срок\s*пребывания|tay\s*until/i,
    anchor: { x: 77.9, y: 82.9 },
    parse: parse.date,
    charset: CHARSET.date,
  },
];

/** Without these the card cannot be checked against the passport and the stay rules. */
const REQUIRED = ['series', 'number', 'surname', 'dateOfBirth', 'passportNumber', 'entryDate', 'stayUntil'];

export interface MigrationCardReading {
  fields: FormReading;
  missing: string[];
}

export type MigrationCardResult = StageVerdict & { card?: MigrationCardReading };

export async function readMigrationCard(
  pages: NormalizedPage[],
  readablePages: number[],
  ocr: TextOcr,
): Promise<MigrationCardResult> {
  // Read whole: its passport number is read again by the OCR-B model inside the page's word
  // box, and a band's boxes can come out a few px narrower — enough to clip a letter (card-phone-kaz).
  const fields = await readPrintedFields(pages, readablePages, MIGRATION_CARD_FIELDS, ocr, {
    side: CARD_SIDE,
    bands: 1,
  });
  const missing = REQUIRED.filter((field) => !fields[field]);
  const card = { fields, missing };
  if (missing.length)
    return {
      outcome: 'fail',
      reasonCode: 'migration_card_unreadable',
      params: { missingFields: missing.join(', ') },
      details: card,
      card,
    };
  if (fields.stayUntil!.value < fields.entryDate!.value) {
    return { outcome: 'fail', reasonCode: 'migration_card_dates_invalid', details: card, card };
  }
  const confidences = Object.values(fields).map((f) => f.confidence);
  return { outcome: 'pass', score: Math.min(...confidences), details: card, card };
}
