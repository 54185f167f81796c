// The MRZ layouts the service reads, as data (ICAO 9303 parts 4–7, and the
// French national ID card of 1988–2021): where each field lies, what it holds,
// which check digit covers which characters. `parseMrz` walks a table; it
// never throws and never refuses a layout for its contents: a specimen state
// (UTO, D<<), an all-zero date or national optional data are returned as read,
// and every check digit is reported as it agrees or not — a wrong printed digit
// stays wrong.
import { isIcaoCode } from '../validators/countries.ts';
import { checkDigit } from './check-digit.ts';

export type MrzFormat = 'TD1' | 'TD2' | 'TD3' | 'MRV-A' | 'MRV-B' | 'FRENCH_ID';
export type MrzField =
  | 'documentCode'
  | 'issuingState'
  | 'documentNumber'
  | 'surname'
  | 'givenNames'
  | 'nationality'
  | 'dateOfBirth'
  | 'sex'
  | 'dateOfExpiry'
  | 'personalNumber'
  | 'optionalData';
export type MrzCheck = 'documentNumber' | 'dateOfBirth' | 'dateOfExpiry' | 'personalNumber' | 'composite';

/** [line, start, end) of a run of characters. */
export type Span = readonly [line: number, start: number, end: number];

/**
 * What a field holds and how its characters become its value: `code` (document
 * code) and `state` are letters, `number` letters and digits; these and `text` drop the filler,
 * `names` splits «SURNAME<<GIVEN<NAMES» into surname and given names, `name`
 * is one of the two alone, `date` is YYMMDD, `sex` is M, F or X.
 */
type FieldKind = 'code' | 'state' | 'number' | 'text' | 'names' | 'name' | 'birth' | 'expiry' | 'sex';

export interface FieldSpec {
  name: MrzField;
  at: Span;
  kind: FieldKind;
}

export interface CheckSpec {
  name: MrzCheck;
  over: readonly Span[];
  digit: readonly [line: number, position: number];
  /**
   * A document number longer than nine characters (ICAO 9303-5 note j): '<'
   * where the check digit stands, the rest at the start of this span, the
   * check digit last before its filler.
   */
  overflow?: Span;
}

export interface FormatSpec {
  format: MrzFormat;
  lines: number;
  length: number;
  /** Tells the format from others of the same shape, on the lines joined with '\n'. */
  match: RegExp;
  /** Document codes ICAO 9303 allows for the format (its first letter; the second is the issuer's). */
  codes: RegExp;
  fields: readonly FieldSpec[];
  checks: readonly CheckSpec[];
  /** Share of the document's height above the MRZ, with a margin, where the printed zone and portrait lie. */
  aboveMrz: number;
}

/** Line 1 of TD2, TD3 and the visas: code, state, names. */
const nameLine = (length: number): FieldSpec[] => [
  { name: 'documentCode', at: [0, 0, 2], kind: 'code' },
  { name: 'issuingState', at: [0, 2, 5], kind: 'state' },
  { name: 'surname', at: [0, 5, length], kind: 'names' },
];

/** Line 2 of TD2, TD3 and the visas up to the expiry check digit. */
const numberLine: FieldSpec[] = [
  { name: 'documentNumber', at: [1, 0, 9], kind: 'number' },
  { name: 'nationality', at: [1, 10, 13], kind: 'state' },
  { name: 'dateOfBirth', at: [1, 13, 19], kind: 'birth' },
  { name: 'sex', at: [1, 20, 21], kind: 'sex' },
  { name: 'dateOfExpiry', at: [1, 21, 27], kind: 'expiry' },
];
const numberLineChecks: CheckSpec[] = [
  { name: 'documentNumber', over: [[1, 0, 9]], digit: [1, 9] },
  { name: 'dateOfBirth', over: [[1, 13, 19]], digit: [1, 19] },
  { name: 'dateOfExpiry', over: [[1, 21, 27]], digit: [1, 27] },
];

export const FORMATS: readonly FormatSpec[] = [
  {
    format: 'MRV-A',
    codes: /^V/,
    lines: 2,
    length: 44,
    match: /^V/,
    fields: [...nameLine(44), ...numberLine, { name: 'optionalData', at: [1, 28, 44], kind: 'text' }],
    checks: numberLineChecks,
    aboveMrz: 0.7,
  },
  {
    format: 'TD3',
    codes: /^P/,
    lines: 2,
    length: 44,
    match: /^/,
    fields: [...nameLine(44), ...numberLine, { name: 'personalNumber', at: [1, 28, 42], kind: 'text' }],
    checks: [
      ...numberLineChecks,
      { name: 'personalNumber', over: [[1, 28, 42]], digit: [1, 42] },
      {
        name: 'composite',
        over: [
          [1, 0, 10],
          [1, 13, 20],
          [1, 21, 43],
        ],
        digit: [1, 43],
      },
    ],
    aboveMrz: 0.74,
  },
  {
    format: 'MRV-B',
    codes: /^V/,
    lines: 2,
    length: 36,
    match: /^V/,
    fields: [...nameLine(36), ...numberLine, { name: 'optionalData', at: [1, 28, 36], kind: 'text' }],
    checks: numberLineChecks,
    aboveMrz: 0.7,
  },
  {
    format: 'FRENCH_ID',
    codes: /^ID/,
    lines: 2,
    length: 36,
    match: /^IDFRA/,
    fields: [
      { name: 'documentCode', at: [0, 0, 2], kind: 'code' },
      { name: 'issuingState', at: [0, 2, 5], kind: 'state' },
      { name: 'surname', at: [0, 5, 30], kind: 'name' },
      { name: 'optionalData', at: [0, 30, 36], kind: 'text' },
      { name: 'documentNumber', at: [1, 0, 12], kind: 'number' },
      { name: 'givenNames', at: [1, 13, 27], kind: 'name' },
      { name: 'dateOfBirth', at: [1, 27, 33], kind: 'birth' },
      { name: 'sex', at: [1, 34, 35], kind: 'sex' },
    ],
    checks: [
      { name: 'documentNumber', over: [[1, 0, 12]], digit: [1, 12] },
      { name: 'dateOfBirth', over: [[1, 27, 33]], digit: [1, 33] },
      {
        name: 'composite',
        over: [
          [0, 0, 36],
          [1, 0, 35],
        ],
        digit: [1, 35],
      },
    ],
    aboveMrz: 0.76,
  },
  {
    format: 'TD2',
    codes: /^[ACI]/,
    lines: 2,
    length: 36,
    match: /^/,
    fields: [...nameLine(36), ...numberLine, { name: 'optionalData', at: [1, 28, 35], kind: 'text' }],
    checks: [
      ...numberLineChecks,
      {
        name: 'composite',
        over: [
          [1, 0, 10],
          [1, 13, 20],
          [1, 21, 35],
        ],
        digit: [1, 35],
      },
    ],
    aboveMrz: 0.76,
  },
  {
    format: 'TD1',
    codes: /^[ACI]/,
    lines: 3,
    length: 30,
    match: /^/,
    fields: [
      { name: 'documentCode', at: [0, 0, 2], kind: 'code' },
      { name: 'issuingState', at: [0, 2, 5], kind: 'state' },
      { name: 'documentNumber', at: [0, 5, 14], kind: 'number' },
      { name: 'optionalData', at: [0, 15, 30], kind: 'text' },
      { name: 'dateOfBirth', at: [1, 0, 6], kind: 'birth' },
      { name: 'sex', at: [1, 7, 8], kind: 'sex' },
      { name: 'dateOfExpiry', at: [1, 8, 14], kind: 'expiry' },
      { name: 'nationality', at: [1, 15, 18], kind: 'state' },
      { name: 'surname', at: [2, 0, 30], kind: 'names' },
    ],
    checks: [
      { name: 'documentNumber', over: [[0, 5, 14]], digit: [0, 14], overflow: [0, 15, 30] },
      { name: 'dateOfBirth', over: [[1, 0, 6]], digit: [1, 6] },
      { name: 'dateOfExpiry', over: [[1, 8, 14]], digit: [1, 14] },
      {
        name: 'composite',
        over: [
          [0, 5, 30],
          [1, 0, 7],
          [1, 8, 15],
          [1, 18, 29],
        ],
        digit: [1, 29],
      },
    ],
    aboveMrz: 0.64,
  },
];

export interface ParsedMrz {
  format: MrzFormat;
  lines: string[];
  /** Every check digit agrees. */
  valid: boolean;
  fields: Partial<Record<MrzField, string>>;
  /** Each check digit of the format → whether it agrees with what it covers. */
  checkDigits: Partial<Record<MrzCheck, boolean>>;
}

/**
 * What no check digit covers looks right: the document code is one the format
 * allows and the state codes are ICAO codes (or ICAO 9303's specimen state UTO).
 * «HLD» for NLD passes every check digit.
 */
export function plausible(parsed: ParsedMrz): boolean {
  const spec = specOf(parsed.format);
  const states = [parsed.fields.issuingState, parsed.fields.nationality];
  return (
    spec.codes.test(parsed.lines[0]!) &&
    states.every((code) => code === undefined || code === 'UTO' || isIcaoCode(code))
  );
}

/** A format's table entry. */
export const specOf = (format: MrzFormat): FormatSpec => FORMATS.find((spec) => spec.format === format)!;

/** The format whose shape the lines have, if any. */
export function formatOf(lines: readonly string[]): FormatSpec | undefined {
  const shaped = FORMATS.filter(
    (spec) => lines.length === spec.lines && lines.every((line) => line.length === spec.length),
  );
  return shaped.find((spec) => spec.match.test(lines.join('\n')));
}

const MRZ_CHARS = /^[A-Z0-9<]*$/;
const take = (lines: readonly string[], [line, start, end]: Span) => lines[line]!.slice(start, end);
const unfill = (value: string) => value.replace(/<+$/, '').replace(/^<+/, '');
const spaced = (value: string) => unfill(value).replace(/<+/g, ' ');

/** YYMMDD → YYYY-MM-DD, or undefined for a date that is not in the calendar (specimens print 000000). */
function isoDate(yymmdd: string, kind: 'birth' | 'expiry', now: Date): string | undefined {
  if (!/^\d{6}$/.test(yymmdd)) return undefined;
  const [yy, mm, dd] = [0, 2, 4].map((at) => Number(yymmdd.slice(at, at + 2))) as [number, number, number];
  // Birth dates in the future belong to the previous century; expiry dates to this one.
  const year = (kind === 'expiry' || 2000 + yy <= now.getUTCFullYear() ? 2000 : 1900) + yy;
  const date = new Date(Date.UTC(year, mm - 1, dd));
  if (date.getUTCMonth() !== mm - 1 || date.getUTCDate() !== dd) return undefined;
  return date.toISOString().slice(0, 10);
}

function fieldValues(spec: FieldSpec, raw: string, now: Date): Partial<Record<MrzField, string>> {
  switch (spec.kind) {
    case 'code':
    case 'state':
    case 'number':
      return { [spec.name]: unfill(raw).replace(/</g, '') };
    case 'text':
    case 'name':
      return { [spec.name]: spaced(raw) };
    case 'names': {
      const [surname = '', ...given] = raw.split('<<');
      return { surname: spaced(surname), givenNames: spaced(given.join('<<')) };
    }
    case 'birth':
    case 'expiry': {
      const date = isoDate(raw, spec.kind, now);
      return date ? { [spec.name]: date } : {};
    }
    case 'sex':
      return { sex: raw === 'M' || raw === 'F' ? raw : 'X' };
  }
}

/** Whether a check digit agrees with the characters it covers; non-MRZ characters never agree. */
export function checkAgrees(spec: CheckSpec, lines: readonly string[]): boolean {
  const rest = overflow(spec, lines);
  if (rest !== undefined) {
    return (
      rest.length > 1 &&
      MRZ_CHARS.test(rest) &&
      checkDigit(spec.over.map((span) => take(lines, span)).join('') + rest.slice(0, -1)) === rest.slice(-1)
    );
  }
  const digit = lines[spec.digit[0]]![spec.digit[1]]!;
  const covered = spec.over.map((span) => take(lines, span)).join('');
  if (!MRZ_CHARS.test(covered)) return false;
  // An empty optional field may carry '<' (or 0) as its check digit.
  if (/^<+$/.test(covered)) return digit === '<' || digit === '0';
  return checkDigit(covered) === digit;
}

/** What an overflowing number continues with (its check digit last), when '<' stands where the check digit would. */
function overflow(check: CheckSpec, lines: readonly string[]): string | undefined {
  if (!check.overflow || lines[check.digit[0]]![check.digit[1]] !== '<' || take(lines, check.overflow)[0] === '<')
    return undefined;
  return take(lines, check.overflow).split('<')[0]!;
}

/** The long document number of a TD1 card, when it overflows into the optional data. */
function documentNumber(spec: FormatSpec, lines: readonly string[]): string | undefined {
  const check = spec.checks.find((c) => c.name === 'documentNumber');
  const rest = check && overflow(check, lines);
  if (rest === undefined) return undefined;
  return unfill(take(lines, check!.over[0]!)).replace(/</g, '') + rest.slice(0, -1);
}

/** The lines read as the format their shape names, or undefined if no format has that shape or a character is not an MRZ one. */
export function parseMrz(lines: readonly string[], now: Date): ParsedMrz | undefined {
  const spec = formatOf(lines);
  if (!spec || !lines.every((line) => MRZ_CHARS.test(line))) return undefined;
  const fields = Object.assign(
    {},
    ...spec.fields.map((field) => fieldValues(field, take(lines, field.at), now)),
  ) as ParsedMrz['fields'];
  const long = documentNumber(spec, lines);
  if (long) fields.documentNumber = long;
  const checkDigits = Object.fromEntries(
    spec.checks.map((check) => [check.name, checkAgrees(check, lines)]),
  ) as ParsedMrz['checkDigits'];
  return {
    format: spec.format,
    lines: [...lines],
    valid: Object.values(checkDigits).every(Boolean),
    fields,
    checkDigits,
  };
}
