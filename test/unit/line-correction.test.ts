import { describe, expect, it } from 'vitest';
import { correctLine } from '../../pipeline/mrz/line-correction.ts';

// The ICAO 9303 specimen lines.
const TD3_LINE2 = 'L898902C36UTO7408122F1204159ZE184226B<<<<<10';
const TD1_LINE1 = 'I<UTOD231458907<<<<<<<<<<<<<<<';
const TD1_LINE2 = '7408122F1204159UTO<<<<<<<<<<<6';

describe('MRZ line correction', () => {
  it('leaves valid lines alone and names their layout', () => {
    expect(correctLine(TD3_LINE2)).toEqual({ text: TD3_LINE2, layout: 'TD3 line 2', valid: true, corrections: [] });
    expect(correctLine(TD1_LINE1)).toMatchObject({ valid: true, layout: 'TD1 line 1', corrections: [] });
    expect(correctLine(TD1_LINE2)).toMatchObject({ valid: true, layout: 'TD1 line 2', corrections: [] });
  });

  it('repairs a look-alike in a date, where only digits belong', () => {
    const misread = TD1_LINE2.replace('1204159', '12O4159'); // 0 read as O
    expect(correctLine(misread)).toMatchObject({
      text: TD1_LINE2,
      valid: true,
      corrections: [{ field: 'dateOfExpiry', position: 10, from: 'O', to: '0' }],
    });
  });

  it('repairs a misread check digit', () => {
    const misread = `${TD3_LINE2.slice(0, 19)}Z${TD3_LINE2.slice(20)}`; // check digit 2 read as Z
    expect(correctLine(misread)).toMatchObject({ text: TD3_LINE2, valid: true, corrections: [{ field: 'dateOfBirth', from: 'Z', to: '2' }] });
  });

  it('turns a letter where only a digit can stand into its look-alike, and guesses nothing more', () => {
    // Two misreads in the document number field: Z for 2, and B for the check digit 6.
    // B cannot be a check digit, so it becomes 8 (wrong, but the only digit it resembles);
    // no single swap then makes the field check, so the line stays invalid.
    const twice = `L89890ZC3B${TD3_LINE2.slice(10)}`;
    expect(correctLine(twice)).toEqual({
      text: `L89890ZC38${TD3_LINE2.slice(10)}`,
      layout: 'TD3 line 2',
      valid: false,
      corrections: [{ field: 'documentNumber', position: 9, from: 'B', to: '8' }],
    });
  });

  it('repairs a document number only when the composite check digit confirms it', () => {
    const misread = `L8989O2C3${TD3_LINE2.slice(9)}`; // 0 read as O: a letter is legal in a document number
    expect(correctLine(misread)).toMatchObject({ text: TD3_LINE2, valid: true, corrections: [{ field: 'documentNumber', from: 'O', to: '0' }] });
    // TD1 line 1 has no composite of its own: the same kind of misread is reported, not repaired.
    const td1 = TD1_LINE1.replace('D2314589', 'D23I4589');
    expect(correctLine(td1)).toMatchObject({ text: td1, layout: 'TD1 line 1', valid: false, corrections: [] });
  });

  it('never puts a letter where a date needs a digit, nor repairs a real digit error', () => {
    const wrongDigit = TD3_LINE2.replace('740812', '740813'); // no look-alike explains this
    expect(correctLine(wrongDigit)).toMatchObject({ text: wrongDigit, valid: false });
  });

  it('passes lines without check digits through unchanged', () => {
    const names = 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<';
    expect(correctLine(names)).toEqual({ text: names, valid: false, corrections: [] });
  });
});
