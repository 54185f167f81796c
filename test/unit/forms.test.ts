// The label-anchored form engine and its value parsers, on OCR lines written
// by hand: what the reading stages do with what Tesseract gives them.
import { describe, expect, it } from 'vitest';
import type { OcrLine } from '../../models/tesseract.ts';
import {
  bestValues,
  CHARSET,
  fuseReadings,
  locateFields,
  nameParts,
  parse,
  type FieldRule,
} from '../../pipeline/forms/index.ts';
import { sameUpToLookalikes } from '../../pipeline/ocr/lookalikes.ts';

const line = (text: string, left: number, top: number, right: number, bottom: number, confidence = 95): OcrLine => ({
  text,
  confidence,
  box: { left, top, right, bottom },
  words: [],
});

describe('value parsers', () => {
  it.each([
    ['14.11.1997', '1997-11-14'],
    ['14. 11. 1997', '1997-11-14'],
    ['I4.II.I997', '1997-11-14'], // letters OCR takes for digits
    ['0610551995', '1995-05-06'], // dots read as digits
    ['14111997', '1997-11-14'], // dots dropped
    ['31.02.1997', undefined], // no such day
    ['45.13.2026', undefined],
    ['Date of birth', undefined],
  ])('date %s → %s', (text, expected) => expect(parse.date(text)).toBe(expected));

  it.each([
    ['PASSPORT AB3719505', 'AB3719505'],
    ['АВ 3719505', 'AB3719505'], // Cyrillic look-alikes
    ['82 1502169', '821502169'],
    ['PASSPORTC59557881', 'C59557881'], // the MRZ model reads no spaces
    ['09AA12345', '09AA12345'], // letter pairs inside numbers stay letters
    ['PASSPORT', undefined],
    ['ULUGBEK', undefined],
  ])('document number %s → %s', (text, expected) => expect(parse.documentNumber(text)).toBe(expected));

  it('keeps names in either script, without the stray punctuation of erased box edges', () => {
    expect(parse.name('-ULUGBEK')).toBe('ULUGBEK');
    expect(parse.name('КОДИРОВ / QODIROV')).toBe('КОДИРОВ / QODIROV');
    expect(parse.name('| 7')).toBeUndefined();
    expect(nameParts('КОДИРОВ / QODIROV')).toEqual({ cyrillic: 'КОДИРОВ', latin: 'QODIROV' });
    expect(nameParts('JURAEV')).toEqual({ latin: 'JURAEV' });
  });

  it('reads sex and fixed-length numbers', () => {
    expect(parse.sex('М / M')).toBe('M');
    expect(parse.sex('Ж')).toBe('F');
    expect(parse.sex('X')).toBeUndefined();
    expect(parse.digits(7)('Ne 4621490')).toBe('4621490');
    expect(parse.digits(7)('462149')).toBeUndefined();
  });

  it.each([
    ['59557881', 'C59557881', 'C59557881'], // the text model dropped the leading letter
    ['502824268', 'S028242G8', 'S02824268'], // text: S → 5; OCR-B: 6 → G
    ['AC2086906', 'AC2086G906', 'AC2086906'], // OCR-B: 6 → 6G
    ['FAQ777505', 'FA0777505', 'FA0777505'], // text: 0 → Q in front
    ['FA0Q777505', 'FA0777505', 'FA0777505'], // text: a character too many
    ['09AA12345', '09AA12345', '09AA12345'], // letters inside a number both read
  ])('fuses a typed number read as %s (text) and %s (OCR-B) into %s', (text, ocrB, expected) =>
    expect(fuseReadings(text, ocrB)).toBe(expected),
  );

  it('treats OCR look-alikes as one character, nothing else', () => {
    expect(sameUpToLookalikes('812042336', 'B12042336')).toBe(true);
    expect(sameUpToLookalikes('AB37I95O5', 'AB3719505')).toBe(true);
    expect(sameUpToLookalikes('C01234567', 'C05725167')).toBe(false);
  });
});

const RULES: FieldRule[] = [
  { field: 'surname', label: /surname/i, parse: parse.name, charset: CHARSET.name },
  { field: 'dateOfBirth', label: /date of birth/i, parse: parse.date, charset: CHARSET.date },
  { field: 'sex', label: /^sex$/i, parse: parse.sex, charset: CHARSET.sex },
  { field: 'dateOfIssue', label: /date of issue/i, parse: parse.date, charset: CHARSET.date },
];
const PAGE = { width: 1200, height: 800 };

describe('locating fields by their labels', () => {
  it('takes the nearest parsable line under each label', () => {
    const lines = [
      line('Surname', 100, 100, 190, 115),
      line('JURAEV', 100, 125, 250, 150, 91),
      line('Date of birth', 100, 200, 230, 215),
      line('14.11.1997', 100, 225, 260, 250, 88),
      line('UZBEKISTAN', 600, 225, 800, 250), // beside, not under the label
    ];
    const values = bestValues(locateFields(lines, RULES, PAGE));
    expect(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, [v.value, v.confidence]]))).toEqual({
      surname: ['JURAEV', 0.91],
      dateOfBirth: ['1997-11-14', 0.88],
    });
  });

  it('leaves a field unread when nothing under its label parses, and says where its value must be', () => {
    const lines = [
      line('Surname', 100, 100, 190, 115),
      line('Date of birth', 100, 200, 230, 215),
      line('I7?', 100, 225, 140, 250),
      line('Sex', 500, 200, 540, 215),
    ];
    const slots = locateFields(lines, RULES, PAGE);
    const birth = slots.find((slot) => slot.rule.field === 'dateOfBirth')!;
    expect(birth.value).toBeUndefined();
    // Under the label, stopping short of the label beside it.
    expect(birth.region).toMatchObject({ top: 215, left: 85 });
    expect(birth.region.right).toBeLessThan(500);
    const surname = slots.find((slot) => slot.rule.field === 'surname')!;
    // The value region of a label ends where the next label below begins.
    expect(surname.region.bottom).toBeLessThanOrEqual(198);
    expect(surname.value).toBeUndefined();
  });

  it('joins a value sparse OCR cut into pieces, spaces where the print has them, specks left out', () => {
    const lines = [
      line('Surname', 100, 100, 190, 115),
      line('SUL', 100, 125, 145, 150, 90),
      line('EIMENOV', 146, 125, 250, 150, 88),
      line('-', 262, 130, 270, 148, 8), // a box edge's end
      line('Date of birth', 100, 200, 230, 215),
      line('ABDUL', 100, 225, 170, 250), // not a date: the next line down is not looked at as a name
    ];
    const surname = bestValues(locateFields(lines, RULES, PAGE)).surname!;
    expect(surname).toMatchObject({ value: 'SULEIMENOV', confidence: 0.88, box: { left: 100, right: 250 } });
    const twoWords = [
      line('Surname', 100, 100, 190, 115),
      line('ABDUL', 100, 125, 170, 150),
      line('RAHMAN', 190, 125, 280, 150),
    ];
    expect(bestValues(locateFields(twoWords, RULES, PAGE)).surname!.value).toBe('ABDUL RAHMAN');
  });

  it('never takes a value from under the next label down', () => {
    const lines = [
      line('Date of birth', 100, 200, 230, 215),
      line('24.04.199', 100, 225, 230, 250), // a digit lost: unparsable
      line('Date of issue', 100, 270, 230, 285),
      line('24.12.2025', 100, 295, 260, 320),
    ];
    const values = bestValues(locateFields(lines, RULES, PAGE));
    expect(values.dateOfBirth).toBeUndefined();
    expect(values.dateOfIssue!.value).toBe('2025-12-24');
  });

  it('looks for a label OCR garbled where the form layout puts it, judged from the labels it read', () => {
    // Form units (mm) → page pixels: 10 px per mm, 40 px margin.
    const anchored: FieldRule[] = [
      { field: 'surname', label: /surname/i, anchor: { x: 5, y: 10 }, parse: parse.name, charset: CHARSET.name },
      {
        field: 'dateOfBirth',
        label: /date of birth/i,
        anchor: { x: 5, y: 30 },
        parse: parse.date,
        charset: CHARSET.date,
      },
      { field: 'sex', label: /^sex$/i, anchor: { x: 50, y: 30 }, parse: parse.sex, charset: CHARSET.sex },
      {
        field: 'entryDate',
        label: /date of entry/i,
        anchor: { x: 60, y: 50 },
        parse: parse.date,
        charset: CHARSET.date,
      },
    ];
    const lines = [
      line('Surname', 90, 140, 180, 155),
      line('Date of birth', 90, 340, 220, 355),
      line('Mon To', 540, 338, 600, 355), // «Пол / Sex», garbled
      line('Date of entry', 640, 540, 770, 555),
    ];
    const sex = locateFields(lines, anchored, PAGE).find((slot) => slot.rule.field === 'sex')!;
    expect(sex.value).toBeUndefined();
    expect(Math.abs(sex.label.left - 540)).toBeLessThanOrEqual(2);
    expect(Math.abs(sex.label.top - 340)).toBeLessThanOrEqual(2);
    // Its value is sought under it, short of the next label down.
    expect(sex.region.top).toBe(sex.label.bottom);
    expect(sex.region.bottom).toBeLessThanOrEqual(540);
    // With fewer than three labels read there is no layout to go by.
    expect(locateFields(lines.slice(0, 2), anchored, PAGE).some((slot) => slot.rule.field === 'sex')).toBe(false);
  });
});
