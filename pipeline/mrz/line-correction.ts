// Repairs one OCR'd MRZ line where the layout leaves no doubt. Each line of
// each format in formats.ts is a layout: where only digits may stand (dates,
// check digits), where only letters (document code, names) and where the sex. A letter OCR read where only a digit can stand is certainly
// misread, and its OCR-B look-alike digit is the only reading — and the other
// way round for a digit in a name; those swaps are the whole repair. Nothing is guessed in a field that may hold both
// letters and digits (document numbers, optional data): two check digits
// agreeing after a guessed swap happen by chance one time in a hundred, and
// specimens print wrong check digits on purpose — a guess would turn a right
// reading of a wrong digit into a wrong reading that looks valid.
import { OCR_B_DIGIT_FOR, OCR_B_LETTER_FOR } from '../ocr/lookalikes.ts';
import { isIcaoCode } from '../validators/countries.ts';
import { FORMATS, checkAgrees, type CheckSpec, type FormatSpec } from './formats.ts';

interface LineLayout {
  name: string;
  length: number;
  /** Position → the field (or check digit) it belongs to, for positions that hold only digits. */
  digits: Map<number, string>;
  /** Position → the field it belongs to, for positions that hold only letters or filler. */
  letters: Map<number, string>;
  /** The letter positions whose digits are repaired (not state codes). */
  fixable: Set<number>;
  sex: number[];
  /** The check digits whose covered characters all lie on this line. */
  checks: CheckSpec[];
}

const positions = (start: number, end: number) => Array.from({ length: end - start }, (_, i) => start + i);

function layoutsOf(spec: FormatSpec): LineLayout[] {
  return Array.from({ length: spec.lines }, (_, line): LineLayout => {
    const on = spec.fields.filter((field) => field.at[0] === line);
    const digits = new Map<number, string>();
    for (const field of on.filter((f) => f.kind === 'birth' || f.kind === 'expiry'))
      for (const at of positions(field.at[1], field.at[2])) digits.set(at, field.name);
    for (const check of spec.checks.filter((c) => c.digit[0] === line)) digits.set(check.digit[1], check.name);
    const letters = new Map<number, string>();
    const fixable = new Set<number>();
    for (const field of on.filter((f) => f.kind === 'state' || FIXED_LETTER_KINDS.has(f.kind))) {
      // The document code's second character is the issuer's choice: the US green card's is «C1».
      const span = field.kind === 'code' ? [field.at[1]] : positions(field.at[1], field.at[2]);
      for (const at of span) {
        letters.set(at, field.kind === 'names' ? 'names' : field.name);
        if (field.kind !== 'state') fixable.add(at);
      }
    }
    return {
      name: `${spec.format} line ${line + 1}`,
      length: spec.length,
      digits,
      letters,
      fixable,
      sex: on.filter((f) => f.kind === 'sex').map((f) => f.at[1]),
      checks: spec.checks.filter((c) => c.digit[0] === line && c.over.every(([l]) => l === line)),
    };
  });
}

/**
 * Field kinds whose digits are certainly misread letters. State codes are
 * letters too and tell the line's layout, but are left as read: a nonstandard
 * document prints «6HA», and a misread code is implausible anyway (the MRZ
 * stage reads on for a better one).
 */
const FIXED_LETTER_KINDS = new Set(['code', 'names', 'name']);

const LINE_LAYOUTS: readonly LineLayout[] = FORMATS.flatMap(layoutsOf);

const isDigit = (char: string) => char >= '0' && char <= '9';

/** Most of `positions` hold what they should: a fifth may be misread, and one always (a state code is three letters). */
const mostly = (positions: number[], holds: (at: number) => boolean) =>
  positions.filter((at) => !holds(at)).length <= Math.max(1, 0.2 * positions.length);

/** A line is taken for a layout when its sex is in place and its digit and letter positions mostly hold digits and letters already. */
function fits(raw: string, layout: LineLayout): boolean {
  if (raw.length !== layout.length || !layout.sex.every((at) => /[MFX<]/.test(raw[at]!))) return false;
  return (
    mostly([...layout.digits.keys()], (at) => isDigit(raw[at]!)) &&
    mostly([...layout.letters.keys()], (at) => /[A-Z<]/.test(raw[at]!))
  );
}

/** A check digit of one line, judged on that line alone. */
function agrees(text: string, check: CheckSpec): boolean {
  const lines: string[] = [];
  lines[check.digit[0]] = text;
  return checkAgrees(check, lines);
}

export interface Correction {
  field: string;
  position: number;
  from: string;
  to: string;
}

export interface CorrectedLine {
  text: string;
  /** The layouts the line fits (a TD3 and a visa line 2 look alike). */
  layout?: string;
  /** Every check digit of the line agrees, in some layout it fits. */
  valid: boolean;
  corrections: Correction[];
}

const LENGTHS = new Set(LINE_LAYOUTS.map((layout) => layout.length));

/**
 * A line read one character longer than any layout, shortened the ways it may
 * have gained the character: a paper edge read as «I» or «1» at either end, or
 * one filler too many in the longest run of fillers. Only a shortening that
 * makes the line's check digits agree is taken — or, on a line without any
 * (names), an edge mark before a document code («IVNUSA…» for «VNUSA…»).
 */
function shortened(read: string): CorrectedLine | undefined {
  if (!LENGTHS.has(read.length - 1)) return undefined;
  const longest = [...read.matchAll(/<{3,}/g)].sort((a, b) => b[0].length - a[0].length)[0];
  const ways = [
    ...(/^[I1|]/.test(read) ? [read.slice(1)] : []),
    ...(/[I1|]$/.test(read) ? [read.slice(0, -1)] : []),
    ...(longest ? [read.slice(0, longest.index) + read.slice(longest.index! + 1)] : []),
  ];
  const checked = ways.map(correctLine).find((line) => line.valid);
  if (checked) return checked;
  return /^[I1|][PIACV][A-Z<]/.test(read) ? correctLine(read.slice(1)) : undefined;
}

/**
 * Corrects a line whose shape identifies it as an MRZ line. Where it fits
 * several layouts, only positions that are digits (or letters) in all of them
 * are touched. A line with no check digit of its own (names) is never valid.
 */
/**
 * A line read one character off an MRZ length, mended (see `shortened` and
 * `lengthened`), or undefined. Used only where the lines as read make no zone:
 * a lone line of another length may be just that.
 */
export function mendLength(read: string): CorrectedLine | undefined {
  return shortened(read) ?? lengthened(read);
}

/**
 * A line read one character short that ends in fillers: OCR lost one of them
 * (a run of «<» at the end of a crop). Taken where the line's last character
 * is a filler by its layout (names, a visa's optional data), never a check digit.
 */
function lengthened(read: string): CorrectedLine | undefined {
  if (!LENGTHS.has(read.length + 1) || !read.endsWith('<<')) return undefined;
  const longer = `${read}<`;
  const layouts = LINE_LAYOUTS.filter((layout) => fits(longer, layout));
  // Never where the lost character was a check digit (a TD1 or TD3 line 2 ends with its composite).
  if (layouts.length === 0 || layouts.some((layout) => layout.digits.has(read.length))) return undefined;
  return correctLine(longer);
}

export function correctLine(raw: string): CorrectedLine {
  const layouts = LINE_LAYOUTS.filter((layout) => fits(raw, layout));
  if (layouts.length === 0) return { text: raw, valid: false, corrections: [] };
  const chars = [...raw];
  const corrections: Correction[] = [];
  const swap = (
    positions: (layout: LineLayout) => Map<number, string>,
    lookAlikes: Record<string, string>,
    fixable = (_: LineLayout, __: number) => true,
  ) => {
    for (const [position, field] of positions(layouts[0]!)) {
      const to = lookAlikes[chars[position]!];
      if (!to || !layouts.every((layout) => positions(layout).has(position) && fixable(layout, position))) continue;
      corrections.push({ field, position, from: chars[position]!, to });
      chars[position] = to;
    }
  };
  swap((layout) => layout.digits, OCR_B_DIGIT_FOR);
  swap(
    (layout) => layout.letters,
    OCR_B_LETTER_FOR,
    (layout, position) => layout.fixable.has(position),
  );
  const text = chars.join('');
  return {
    text,
    layout: [...new Set(layouts.map((layout) => layout.name))].join(' / '),
    valid: layouts.some((layout) => layout.checks.length > 0 && layout.checks.every((check) => agrees(text, check))),
    corrections,
  };
}

/**
 * State codes (issuing state, nationality) are left as read by `correctLine`:
 * one line cannot tell a printed «6HA» from a misread «GHA». A document's zone
 * can — its codes are ICAO codes. A code that is not one is repaired when
 *   - it holds digits whose look-alike letters make one (MC0 → MCO), or
 *   - it is the issuing state, one character away from the nationality, which
 *     is one (PLT beside MLT → MLT): a state issues its own citizens' documents.
 * Check digits cover neither code, so nothing else could tell.
 */
export function repairStateCodes(
  lines: readonly string[],
  spec: FormatSpec,
): { lines: string[]; corrections: Correction[] } {
  const repaired = [...lines];
  const corrections: Correction[] = [];
  const states = spec.fields.filter((f) => f.kind === 'state');
  const codeAt = ([line, start, end]: readonly [number, number, number]) => repaired[line]!.slice(start, end);
  const replace = (field: (typeof states)[number], to: string) => {
    const [line, start, end] = field.at;
    const from = codeAt(field.at);
    for (let i = 0; i < from.length; i++)
      if (from[i] !== to[i]) corrections.push({ field: field.name, position: start + i, from: from[i]!, to: to[i]! });
    repaired[line] = repaired[line]!.slice(0, start) + to + repaired[line]!.slice(end);
  };
  for (const field of states) {
    const code = codeAt(field.at);
    if (!/\d/.test(code) || isIcaoCode(code)) continue;
    const letters = [...code].map((c) => OCR_B_LETTER_FOR[c] ?? c).join('');
    if (isIcaoCode(letters)) replace(field, letters);
  }
  const issuer = states.find((f) => f.name === 'issuingState');
  const nationality = states.find((f) => f.name === 'nationality');
  if (issuer && nationality) {
    const [issued, citizen] = [codeAt(issuer.at), codeAt(nationality.at)];
    const apart = [...issued].filter((c, i) => c !== citizen[i]).length;
    if (!isIcaoCode(issued) && isIcaoCode(citizen) && apart === 1) replace(issuer, citizen);
  }
  return { lines: repaired, corrections };
}
