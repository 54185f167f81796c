// Reading a printed form by its labels. OCR gives lines with boxes; each field
// rule names the label it hangs on and how its value reads. For every label
// found (or, on a fixed layout, placed where the labels that were found put
// it), the value is the nearest row under it that parses as that field, and the
// region where the value must be is kept, so a value the page OCR missed can be
// read again on its own. Document kinds differ only in their tables.
import type { Box, OcrLine } from '../../models/tesseract.ts';
import { PRINT_DIGIT_FOR, sameUpToLookalikes } from '../ocr/lookalikes.ts';
import { isRealDate } from '../validators/dates.ts';

export interface FieldRule {
  field: string;
  label: RegExp;
  /**
   * Where the label's text begins on the form, in the form's own units (mm),
   * for forms with a fixed layout: a label OCR garbled is looked for there.
   */
  anchor?: { x: number; y: number };
  parse(text: string): string | undefined;
  /** Characters the value can hold, for reading it again on its own. */
  charset: string;
  /** The value may be printed twice, «CYRILLIC / LATIN»: its Cyrillic half is read again in Cyrillic. */
  bilingual?: boolean;
  /**
   * Typed in a monospaced face in capitals and digits: always read again with
   * the MRZ (OCR-B) model, which tells S from 5 and keeps the C that the text
   * model drops («C59557881» → «59557881»).
   */
  typed?: boolean;
}

export interface FieldReading {
  value: string;
  /** 0–1, from the OCR confidence of the line the value came from. */
  confidence: number;
  /** The OCR text the value was parsed from. */
  text: string;
  box: Box;
}

export type FormReading = Record<string, FieldReading>;

/** A label found on the page: the value read under it, if any, and where the value must be. */
export interface FieldSlot {
  rule: FieldRule;
  value?: FieldReading;
  /** The label's box, as read or as the layout places it. */
  label: Box;
  region: Box;
}

const height = (box: Box) => box.bottom - box.top;
/** Values sit at most this many label heights under their label. */
const VALUE_DEPTH = 6;

/** Below the label, starting under it, within a few label heights. */
function isBelow(label: Box, value: Box): boolean {
  const h = height(label);
  const gap = value.top - label.bottom;
  return gap > -0.4 * h && gap < VALUE_DEPTH * h && value.left > label.left - 3 * h && value.left < label.right;
}

/** Where the value of a label must be: under it, down to the next label below, across to the next label beside. */
function valueRegion(label: Box, labels: readonly Box[], page: { width: number; height: number }): Box {
  const h = height(label);
  const below = labels.filter(
    (other) => other.top > label.bottom && other.left < label.left + 20 * h && other.right > label.left,
  );
  const beside = labels.filter(
    (other) => other.left > label.left + h && other.top < label.bottom + VALUE_DEPTH * h && other.bottom > label.top,
  );
  return {
    left: Math.max(0, label.left - h),
    top: label.bottom,
    right: Math.min(page.width, ...beside.map((other) => other.left - h / 2), label.left + 30 * h),
    bottom: Math.min(page.height, ...below.map((other) => other.top - 2), label.bottom + VALUE_DEPTH * h),
  };
}

const reading = (value: string, line: OcrLine): FieldReading => ({
  value,
  confidence: line.confidence / 100,
  text: line.text,
  box: line.box,
});

/** Two boxes on one text row: they share most of the lower one's height. */
const sameRow = (a: Box, b: Box) =>
  Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5 * Math.min(height(a), height(b));

/** Pieces read with less confidence than this are specks and rule ends, not parts of a value. */
const MIN_PIECE_CONFIDENCE = 30;

/**
 * The whole row of a value inside its region. Sparse OCR cuts a line wherever
 * the spacing widens («SUL» «EIMENOV»); pieces that touch are one word, pieces
 * apart by more than a third of their height are separate words. The row is
 * as sure as its least sure piece.
 */
function rowOf(line: OcrLine, others: readonly OcrLine[], region: Box): OcrLine {
  const inRow = (other: OcrLine) =>
    other !== line &&
    other.confidence >= MIN_PIECE_CONFIDENCE &&
    sameRow(line.box, other.box) &&
    other.box.left >= region.left &&
    other.box.right <= region.right;
  const pieces = [line, ...others.filter(inRow)].sort((a, b) => a.box.left - b.box.left);
  if (pieces.length < 2) return line;
  const text = pieces.reduce((joined, piece, i) => {
    if (i === 0) return piece.text;
    const gap = piece.box.left - pieces[i - 1]!.box.right;
    return joined + (gap > height(piece.box) / 3 ? ' ' : '') + piece.text;
  }, '');
  return {
    text,
    confidence: Math.min(...pieces.map((piece) => piece.confidence)),
    box: {
      left: pieces[0]!.box.left,
      top: Math.min(...pieces.map((piece) => piece.box.top)),
      right: pieces.at(-1)!.box.right,
      bottom: Math.max(...pieces.map((piece) => piece.box.bottom)),
    },
    words: pieces.flatMap((piece) => piece.words),
  };
}

/** Page position = scale × form position + offset, per axis, fitted by least squares to the labels found. */
function fitLayout(
  found: { anchor: { x: number; y: number }; box: Box }[],
): ((anchor: { x: number; y: number }) => { x: number; y: number }) | undefined {
  const axis = (form: number[], page: number[]) => {
    const n = form.length;
    const [mf, mp] = [form.reduce((a, b) => a + b, 0) / n, page.reduce((a, b) => a + b, 0) / n];
    const spread = form.reduce((sum, f) => sum + (f - mf) ** 2, 0);
    if (spread === 0) return undefined;
    const scale = form.reduce((sum, f, i) => sum + (f - mf) * (page[i]! - mp), 0) / spread;
    return (value: number) => mp + scale * (value - mf);
  };
  const x = axis(
    found.map((f) => f.anchor.x),
    found.map((f) => f.box.left),
  );
  const y = axis(
    found.map((f) => f.anchor.y),
    found.map((f) => f.box.top),
  );
  return x && y && found.length >= 3 ? (anchor) => ({ x: x(anchor.x), y: y(anchor.y) }) : undefined;
}

export function locateFields(
  lines: readonly OcrLine[],
  rules: readonly FieldRule[],
  page: { width: number; height: number },
): FieldSlot[] {
  const labels = lines.map((line) => rules.filter((rule) => rule.label.test(line.text)));
  const labelBoxes = lines.filter((_, i) => labels[i]!.length > 0).map((line) => line.box);
  const values = lines.filter((_, j) => labels[j]!.length === 0);
  const slots = lines.flatMap((line, i) =>
    labels[i]!.map((rule): FieldSlot => {
      const region = valueRegion(line.box, labelBoxes, page);
      // A line past the next label down belongs to that label («Date of issue» under «Date of birth»).
      const candidate = values
        .filter((other) => isBelow(line.box, other.box) && other.box.top < region.bottom)
        .sort((a, b) => a.box.top - b.box.top)
        .map((other) => rowOf(other, values, region))
        .find((row) => rule.parse(row.text) !== undefined);
      return {
        rule,
        region,
        label: line.box,
        ...(candidate ? { value: reading(rule.parse(candidate.text)!, candidate) } : {}),
      };
    }),
  );
  // Labels OCR garbled: where the layout puts them, judged from the labels it did read.
  const located = slots.flatMap((slot) => (slot.rule.anchor ? [{ anchor: slot.rule.anchor, box: slot.label }] : []));
  const place = fitLayout(located);
  if (!place) return slots;
  const labelHeight = located.map((l) => height(l.box)).sort((a, b) => a - b)[Math.floor(located.length / 2)]!;
  const missing = rules.filter((rule) => rule.anchor && !slots.some((slot) => slot.rule.field === rule.field));
  return [
    ...slots,
    ...missing.map((rule): FieldSlot => {
      const { x, y } = place(rule.anchor!);
      const label = {
        left: Math.round(x),
        top: Math.round(y),
        right: Math.round(x + 5 * labelHeight),
        bottom: Math.round(y + labelHeight),
      };
      return { rule, label, region: valueRegion(label, labelBoxes, page) };
    }),
  ];
}

/** The best value of each field among its slots. */
export function bestValues(slots: readonly FieldSlot[]): FormReading {
  const found: FormReading = {};
  for (const { rule, value } of slots) {
    if (value && (!found[rule.field] || found[rule.field]!.confidence < value.confidence)) found[rule.field] = value;
  }
  return found;
}

/** How many of the rules' labels appear at all: tells an upright page from an upside-down one. */
export function labelHits(lines: readonly OcrLine[], rules: readonly FieldRule[]): number {
  return new Set(
    rules.filter((rule) => lines.some((line) => rule.label.test(line.text))).map((rule) => rule.label.source),
  ).size;
}

// OCR of mixed Latin and Cyrillic print confuses letters that look the same.
const CYRILLIC_TO_LATIN: Record<string, string> = {
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  У: 'Y',
  Х: 'X',
  І: 'I',
  Ј: 'J',
  Ѕ: 'S',
};
const LATIN_TO_CYRILLIC = Object.fromEntries(Object.entries(CYRILLIC_TO_LATIN).map(([cyr, lat]) => [lat, cyr]));
export const toLatin = (text: string) => [...text.toUpperCase()].map((c) => CYRILLIC_TO_LATIN[c] ?? c).join('');
export const toCyrillic = (text: string) => [...text.toUpperCase()].map((c) => LATIN_TO_CYRILLIC[c] ?? c).join('');
export const asDigits = (text: string) => [...toLatin(text)].map((c) => PRINT_DIGIT_FOR[c] ?? c).join('');

const isCyrillic = (text: string) =>
  (text.match(/[\u0400-\u04FF]/g) ?? []).length > (text.match(/[A-Z]/gi) ?? []).length;

/** Value parsers the field tables are built from. */
export const parse = {
  /** dd.mm.yyyy → yyyy-mm-dd. */
  date(text: string): string | undefined {
    const digits = asDigits(text);
    // Printed dd.mm.yyyy; OCR sometimes reads the dots as digits (0610551995) or drops them.
    const match =
      digits.match(/(\d{2})\s*[.,:/-]\s*(\d{2})\s*[.,:/-]\s*(\d{4})/) ??
      digits.match(/(?<!\d)(\d{2})\d(\d{2})\d(\d{4})(?!\d)/) ??
      digits.match(/(?<!\d)(\d{2})(\d{2})(\d{4})(?!\d)/);
    if (!match) return undefined;
    const iso = `${match[3]}-${match[2]}-${match[1]}`;
    return isRealDate(iso) ? iso : undefined;
  },
  /** A document number: letters and digits, words such as PASSPORT dropped (also when read glued to it), spaces closed. */
  documentNumber(text: string): string | undefined {
    const spaced = toLatin(text)
      .replace(/[^A-Z0-9 ]/g, ' ')
      .replace(/^\s*PASSPORT/, '$& ');
    const tokens = spaced.split(/\s+/).filter((t) => t && !/^[A-Z]{4,}$/.test(t));
    // The letter O before a digit is a zero: issuers leave O out of numbers for that very confusion.
    const value = tokens.join('').replace(/O(?=\d)/g, '0');
    return /^[A-Z0-9]{5,12}$/.test(value) && (value.match(/\d/g) ?? []).length >= 4 ? value : undefined;
  },
  /** A name as printed: one script, or «CYRILLIC / LATIN». */
  name(text: string): string | undefined {
    const value = text
      .toUpperCase()
      .replace(/[^A-Z\u0400-\u04FF /'-]/g, '')
      .replace(/\s+/g, ' ')
      .replace(/^[\s/'-]+|[\s/'-]+$/g, '');
    return value.replace(/[ /'-]/g, '').length >= 2 ? value : undefined;
  },
  sex(text: string): string | undefined {
    const last =
      text
        .trim()
        .split(/[\s/]+/)
        .at(-1)
        ?.toUpperCase() ?? '';
    return ({ M: 'M', М: 'M', F: 'F', Ж: 'F' } as Record<string, string>)[last];
  },
  digits: (count: number) => (text: string) => {
    const match = asDigits(text)
      .replace(/\s+/g, '')
      .match(new RegExp(`^\\D*(\\d{${count}})\\D*$`));
    return match?.[1];
  },
};

/** «КОДИРОВ / QODIROV» → its Latin and Cyrillic parts (either may be missing). */
export function nameParts(printed: string): { latin?: string; cyrillic?: string } {
  const parts = printed
    .split('/')
    .map((part) => part.trim())
    .filter(Boolean);
  const cyrillic = parts.find(isCyrillic);
  const latin = parts.find((part) => !isCyrillic(part));
  return {
    ...(latin
      ? {
          latin: toLatin(latin)
            .replace(/[^A-Z -]/g, '')
            .trim(),
        }
      : {}),
    ...(cyrillic ? { cyrillic: toCyrillic(cyrillic) } : {}),
  };
}

/**
 * How the OCR-B (MRZ) model misreads the monospaced type of forms: a 6 as G, or
 * as 6 with a G beside it. Its other readings are the better ones: the text
 * model drops or digitises letters («C59557881» → «59557881», «S…» → «5…»).
 */
const OCR_B_ERRORS = { substitutions: { '6': 'G' } as Record<string, string>, insertions: new Set(['G']) };

/**
 * One value read by the text model and by the OCR-B model, aligned character
 * by character: where they differ the OCR-B reading stands, unless the
 * difference is one of its known misreadings. (OCR-B loses no characters; the
 * text model adds some: «FA0Q777505».)
 */
export function fuseReadings(text: string, ocrB: string): string {
  // Edit-distance alignment; look-alike substitutions cost less than other edits.
  const cost = (a: string, b: string) =>
    a === b ? 0 : sameUpToLookalikes(a, b) || OCR_B_ERRORS.substitutions[a] === b ? 0.5 : 1;
  const d = Array.from({ length: text.length + 1 }, (_, i) => Array.from({ length: ocrB.length + 1 }, (_, j) => i + j));
  for (let i = 1; i <= text.length; i++) {
    for (let j = 1; j <= ocrB.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost(text[i - 1]!, ocrB[j - 1]!));
  }
  let fused = '';
  for (let i = text.length, j = ocrB.length; i > 0 || j > 0;) {
    if (i > 0 && j > 0 && d[i]![j] === d[i - 1]![j - 1]! + cost(text[i - 1]!, ocrB[j - 1]!)) {
      const [fromText, fromOcrB] = [text[--i]!, ocrB[--j]!];
      fused = (OCR_B_ERRORS.substitutions[fromText] === fromOcrB ? fromText : fromOcrB) + fused;
    } else if (j > 0 && d[i]![j] === d[i]![j - 1]! + 1) {
      const fromOcrB = ocrB[--j]!;
      fused = (OCR_B_ERRORS.insertions.has(fromOcrB) ? '' : fromOcrB) + fused;
    } else i--; // the text model's extra character: OCR-B does not lose characters
  }
  return fused;
}

/** Characters each kind of value can hold (whitelists for reading a value on its own). */
export const CHARSET = {
  date: '0123456789.',
  digits: '0123456789',
  code: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ',
  name: "ABCDEFGHIJKLMNOPQRSTUVWXYZ -'/",
  sex: 'MF/ ',
};
