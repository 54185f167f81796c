// Migration card: no MRZ, a bilingual form filled in by hand or by a border
// officer's printer. Its fields are read by their labels; the series and the
// number are checked for their length, dates for being dates.
import { states } from 'mrz';
import type { NormalizedPage } from '../normalize/index.ts';
import type { StageVerdict } from '../types.ts';
import { CHARSET, parse, toLatin, type FieldRule, type FormReading } from '../forms/index.ts';
import { readPrintedFields, type TextOcr } from '../viz/index.ts';

/** English country names (as the `mrz` package lists them) → ICAO code. */
const COUNTRY_CODES = new Map(
  Object.entries(states as Record<string, string>).map(([code, name]) => [name.toUpperCase().replace(/\(.*\)/g, '').replace(/[^A-Z]/g, ''), code]),
);

const country = (text: string) => {
  const key = toLatin(text).replace(/[^A-Z]/g, '');
  return COUNTRY_CODES.get(key) ?? (Object.hasOwn(states, key) ? key : undefined);
};

/** «№» before the card number, which OCR also reads as «No», «Ne» or «N». */
const NUMBER_SIGN = /№|\bN[oe]?\b/i;

/** OCR resolution of the card's longer side (A6): typed values come out ≈ 30 px high (at 1200 px short words vanish). */
const CARD_SIDE = 1600;

export const MIGRATION_CARD_FIELDS: readonly FieldRule[] = [
  { field: 'series', label: /серия|series/i, at: 'below', parse: (text) => parse.digits(4)(text.split(NUMBER_SIGN)[0] ?? ''), charset: CHARSET.digits },
  { field: 'number', label: /^\W*(№|N[oe]?)\W*\d{6,8}\s*$/i, at: 'inline', parse: (text) => parse.digits(7)(text.split(NUMBER_SIGN).at(-1) ?? ''), charset: `${CHARSET.digits}No ` },
  { field: 'surname', label: /фамилия|surname/i, at: 'below', parse: parse.name, charset: CHARSET.name },
  { field: 'givenNames', label: /имя|given\s*names?/i, at: 'below', parse: parse.name, charset: CHARSET.name },
  { field: 'dateOfBirth', label: /дата\s*рождения|date\s*of\s*birth/i, at: 'below', parse: parse.date, charset: CHARSET.date },
  { field: 'sex', label: /(^|\/)\s*sex\s*$/i, at: 'below', parse: parse.sex, charset: CHARSET.sex },
  { field: 'nationality', label: /гражданство|nationality/i, at: 'below', parse: country, charset: CHARSET.name },
  { field: 'passportNumber', label: /удостоверяющий|identity\s*document/i, at: 'below', parse: parse.documentNumber, charset: CHARSET.code },
  { field: 'entryDate', label: /дата\s*въезда|date\s*of\s*entry/i, at: 'below', parse: parse.date, charset: CHARSET.date },
  { field: 'stayUntil', label: /срок\s*пребывания|stay\s*until/i, at: 'below', parse: parse.date, charset: CHARSET.date },
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
  const fields = await readPrintedFields(pages, readablePages, MIGRATION_CARD_FIELDS, ocr, CARD_SIDE);
  const missing = REQUIRED.filter((field) => !fields[field]);
  const card = { fields, missing };
  if (missing.length) return { outcome: 'fail', reasonCode: 'migration_card_unreadable', params: { missingFields: missing.join(', ') }, details: card, card };
  if (fields.stayUntil!.value < fields.entryDate!.value) {
    return { outcome: 'fail', reasonCode: 'migration_card_dates_invalid', details: card, card };
  }
  const confidences = Object.values(fields).map((f) => f.confidence);
  return { outcome: 'pass', score: Math.min(...confidences), details: card, card };
}
