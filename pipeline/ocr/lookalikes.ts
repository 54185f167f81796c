// The one table of characters OCR confuses: a letter and the digit it is read
// for (or the other way). OCR-B (the MRZ font) and ordinary print share most
// pairs; a few belong to one of them only:
//   ocrB  — A/4: OCR-B's open 4 (measured on the MRZ line set);
//   print — L/1, |/1, T/7: serif and sans print on forms (migration cards).
// Where a digit has several letters, the first listed is the one a digit among
// letters is taken for.
type Where = 'both' | 'ocrB' | 'print';

const PAIRS: readonly (readonly [letter: string, digit: string, where: Where])[] = [
  ['O', '0', 'both'],
  ['Q', '0', 'both'],
  ['D', '0', 'both'],
  ['I', '1', 'both'],
  ['Z', '2', 'both'],
  ['S', '5', 'both'],
  ['G', '6', 'both'],
  ['B', '8', 'both'],
  ['A', '4', 'ocrB'],
  ['L', '1', 'print'],
  ['|', '1', 'print'],
  ['T', '7', 'print'],
];

const digitsFor = (font: Exclude<Where, 'both'>): Record<string, string> =>
  Object.fromEntries(PAIRS.filter(([, , where]) => where === 'both' || where === font).map(([l, d]) => [l, d]));

/** In the MRZ: the digit a letter stands for where only a digit may stand. */
export const OCR_B_DIGIT_FOR = digitsFor('ocrB');
/** In the MRZ: the letter a digit stands for where only a letter may stand (the first listed per digit). */
export const OCR_B_LETTER_FOR: Record<string, string> = Object.fromEntries(
  Object.entries(OCR_B_DIGIT_FOR)
    .reverse()
    .map(([letter, digit]) => [digit, letter]),
);
/** In printed fields of digits: the digit a letter stands for. */
export const PRINT_DIGIT_FOR = digitsFor('print');

/** Equal once look-alike characters (0/O, 1/I, 8/B, …) are taken as one. */
export const sameUpToLookalikes = (a: string, b: string) => {
  const key = (text: string) => [...text].map((c) => PRINT_DIGIT_FOR[c] ?? c).join('');
  return key(a) === key(b);
};
