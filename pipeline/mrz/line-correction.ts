// Repairs one OCR'd MRZ line using its check digits. The lines that carry
// check digits are described as tables (where each checked field starts and
// ends, where its check digit is, which characters the field may hold); a
// character is swapped for its OCR-B look-alike only where the field's class
// allows it, and a repair is accepted only when it is the single one that
// makes the check digit agree.
import { checkDigit } from './check-digit.ts';

type CharClass = 'digit' | 'alnum';

interface CheckedField {
  name: string;
  start: number;
  end: number;
  /** Index of the field's check digit. */
  check: number;
  chars: CharClass;
  /** Optional data follows national rules (specimens even carry wrong digits): check it, never repair it. */
  validateOnly?: boolean;
}

interface LineLayout {
  name: string;
  length: number;
  /** The unchecked parts that tell this line from others of its length (sex, nationality, codes). */
  shape: RegExp;
  fields: CheckedField[];
  /** The line's own composite check digit and the ranges it covers, when the line has one. */
  composite?: { check: number; ranges: [number, number][] };
}

const dates = (birth: number, sex: number): CheckedField[] => [
  { name: 'dateOfBirth', start: birth, end: birth + 6, check: birth + 6, chars: 'digit' },
  { name: 'dateOfExpiry', start: sex + 1, end: sex + 7, check: sex + 7, chars: 'digit' },
];

export const LINE_LAYOUTS: readonly LineLayout[] = [
  {
    name: 'TD3 line 2',
    length: 44,
    shape: /^.{10}[A-Z<]{3}.{7}[MFX<]/,
    fields: [
      { name: 'documentNumber', start: 0, end: 9, check: 9, chars: 'alnum' },
      ...dates(13, 20),
      { name: 'personalNumber', start: 28, end: 42, check: 42, chars: 'alnum', validateOnly: true },
    ],
    composite: { check: 43, ranges: [[0, 10], [13, 20], [21, 43]] },
  },
  {
    name: 'TD2 line 2',
    length: 36,
    shape: /^.{10}[A-Z<]{3}.{7}[MFX<]/,
    fields: [{ name: 'documentNumber', start: 0, end: 9, check: 9, chars: 'alnum' }, ...dates(13, 20)],
    composite: { check: 35, ranges: [[0, 10], [13, 20], [21, 35]] },
  },
  {
    name: 'TD1 line 1',
    length: 30,
    shape: /^[ACI][A-Z<][A-Z<]{3}/,
    fields: [{ name: 'documentNumber', start: 5, end: 14, check: 14, chars: 'alnum' }],
  },
  { name: 'TD1 line 2', length: 30, shape: /^.{7}[MFX<].{7}[A-Z<]{3}/, fields: dates(0, 7) },
];

/** OCR-B characters that are read as one another. */
const LOOK_ALIKES: Record<string, string> = {
  '0': 'OQD',
  O: '0Q',
  Q: '0O',
  D: '0',
  '1': 'I',
  I: '1',
  '2': 'Z',
  Z: '2',
  '4': 'A',
  A: '4',
  '5': 'S',
  S: '5',
  '6': 'G',
  G: '6',
  '8': 'B',
  B: '8',
  '<': 'K',
  K: '<',
};

const isDigit = (char: string) => char >= '0' && char <= '9';
const allowed = (char: string, chars: CharClass) => (chars === 'digit' ? isDigit(char) : /^[A-Z0-9<]$/.test(char));

function checks(line: string, field: CheckedField): boolean {
  const value = line.slice(field.start, field.end);
  const digit = line[field.check]!;
  // An empty optional field may carry '<' (or 0) as its check digit.
  if (/^<+$/.test(value)) return digit === '<' || digit === '0';
  return isDigit(digit) && [...value].every((char) => allowed(char, field.chars)) && checkDigit(value) === digit;
}

/** Positions that can only hold digits: dates and every check digit. */
function digitPositions(layout: LineLayout): number[] {
  return layout.fields.flatMap((field) => [
    ...(field.chars === 'digit' ? Array.from({ length: field.end - field.start }, (_, i) => field.start + i) : []),
    field.check,
  ]);
}

/** A line is taken for this layout only if its digit positions mostly hold digits already. */
function fits(raw: string, layout: LineLayout): boolean {
  if (raw.length !== layout.length || !layout.shape.test(raw)) return false;
  const positions = digitPositions(layout);
  return positions.filter((i) => isDigit(raw[i]!)).length >= 0.8 * positions.length;
}

function compositeChecks(line: string, layout: LineLayout): boolean {
  if (!layout.composite) return false;
  const covered = layout.composite.ranges.map(([start, end]) => line.slice(start, end)).join('');
  return checkDigit(covered) === line[layout.composite.check];
}

/** A letter where only a digit can stand is certainly misread: its look-alike digit is the only reading. */
function forceDigits(raw: string, layout: LineLayout): { line: string; corrections: Correction[] } {
  const chars = [...raw];
  const corrections: Correction[] = [];
  for (const position of digitPositions(layout)) {
    const from = chars[position]!;
    const to = [...(LOOK_ALIKES[from] ?? '')].find(isDigit);
    if (isDigit(from) || from === '<' || !to) continue;
    chars[position] = to;
    const field = layout.fields.find((f) => (position >= f.start && position < f.end) || position === f.check)!;
    corrections.push({ field: field.name, position, from, to });
  }
  return { line: chars.join(''), corrections };
}

export interface Correction {
  field: string;
  position: number;
  from: string;
  to: string;
}

export interface CorrectedLine {
  text: string;
  layout?: string;
  /** Every checked field agrees with its check digit. */
  valid: boolean;
  corrections: Correction[];
}

/**
 * The single look-alike swap in the field (or its check digit) that makes both
 * the field and the line's composite check; undefined if none or several.
 * One check digit alone is weak evidence: one wrong swap in ten passes it.
 */
function repair(line: string, field: CheckedField, layout: LineLayout): Correction | undefined {
  const found: Correction[] = [];
  const positions = [...Array.from({ length: field.end - field.start }, (_, i) => field.start + i), field.check];
  for (const position of positions) {
    const from = line[position]!;
    const chars = position === field.check ? 'digit' : field.chars;
    for (const to of LOOK_ALIKES[from] ?? '') {
      if (!allowed(to, chars)) continue;
      const candidate = line.slice(0, position) + to + line.slice(position + 1);
      if (checks(candidate, field) && compositeChecks(candidate, layout)) found.push({ field: field.name, position, from, to });
    }
  }
  return found.length === 1 ? found[0] : undefined;
}

function tryLayout(raw: string, layout: LineLayout): CorrectedLine {
  let { line, corrections } = forceDigits(raw, layout);
  let valid = true;
  for (const field of layout.fields) {
    if (checks(line, field)) continue;
    const fix = field.validateOnly ? undefined : repair(line, field, layout);
    if (!fix) {
      valid = false;
      continue;
    }
    line = line.slice(0, fix.position) + fix.to + line.slice(fix.position + 1);
    corrections = [...corrections, fix];
  }
  return { text: line, layout: layout.name, valid, corrections };
}

/**
 * Corrects a line whose length and check digits identify it as a checked MRZ
 * line. Lines without check digits (names) and lines no layout validates come
 * back unchanged with valid: false.
 */
export function correctLine(raw: string): CorrectedLine {
  const results = LINE_LAYOUTS.filter((layout) => fits(raw, layout)).map((layout) => tryLayout(raw, layout));
  // Two layouts that read the line differently leave it as OCR read it.
  if (results.length !== 1) return { text: raw, valid: false, corrections: [] };
  return results[0]!;
}
