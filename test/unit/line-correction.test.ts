import { describe, expect, it } from 'vitest';
import { FORMATS } from '../../pipeline/mrz/formats.ts';
import { correctLine, mendLength, repairStateCodes } from '../../pipeline/mrz/line-correction.ts';

// The ICAO 9303 specimen lines.
const TD3_LINE2 = 'L898902C36UTO7408122F1204159ZE184226B<<<<<10';
const TD1_LINE1 = 'I<UTOD231458907<<<<<<<<<<<<<<<';
const TD1_LINE2 = '7408122F1204159UTO<<<<<<<<<<<6';

describe('MRZ line correction', () => {
  it('leaves valid lines alone and names the layouts they fit', () => {
    // A passport's line 2 and a visa's have the same shape.
    expect(correctLine(TD3_LINE2)).toEqual({
      text: TD3_LINE2,
      layout: 'MRV-A line 2 / TD3 line 2',
      valid: true,
      corrections: [],
    });
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
    expect(correctLine(misread)).toMatchObject({
      text: TD3_LINE2,
      valid: true,
      corrections: [{ field: 'dateOfBirth', from: 'Z', to: '2' }],
    });
  });

  it('turns a letter where only a digit can stand into its look-alike, and guesses nothing more', () => {
    // Two misreads in the document number field: Z for 2, and B for the check digit 6.
    // B cannot be a check digit, so it becomes 8 (wrong, but the only digit it resembles);
    // Z may be a letter of the number: it stays, and the line stays invalid.
    const twice = `L89890ZC3B${TD3_LINE2.slice(10)}`;
    expect(correctLine(twice)).toEqual({
      text: `L89890ZC38${TD3_LINE2.slice(10)}`,
      layout: 'MRV-A line 2 / TD3 line 2',
      valid: false,
      corrections: [{ field: 'documentNumber', position: 9, from: 'B', to: '8' }],
    });
  });

  it('never guesses in a field that may hold letters, even when the check digits would agree', () => {
    // O for 0 in the document number: swapping it back would make both the field's and the
    // composite check digit agree, but a letter is legal there — the reading is reported as read.
    const misread = `L8989O2C3${TD3_LINE2.slice(9)}`;
    expect(correctLine(misread)).toMatchObject({ text: misread, valid: false, corrections: [] });
    const td1 = TD1_LINE1.replace('D2314589', 'D23I4589');
    expect(correctLine(td1)).toMatchObject({ text: td1, layout: 'TD1 line 1', valid: false, corrections: [] });
  });

  it('leaves a wrong printed check digit wrong (specimens print them on purpose)', () => {
    // The Spanish DNI specimen: birth and expiry check digits are wrong as printed.
    const specimen = '8001010F1301017ESP<<<<<<<<<<<3';
    expect(correctLine(specimen)).toEqual({ text: specimen, layout: 'TD1 line 2', valid: false, corrections: [] });
    const wrongDigit = TD3_LINE2.replace('740812', '740813'); // no look-alike explains this
    expect(correctLine(wrongDigit)).toMatchObject({ text: wrongDigit, valid: false });
  });

  it('touches only positions that are digits in every layout the line fits', () => {
    // Position 42 is the personal number's check digit on a passport but optional data on a visa.
    const visa = '1234567897CAN6612120M1407282B3XLC000FD1429B5';
    const result = correctLine(visa);
    expect(result.layout).toBe('MRV-A line 2 / TD3 line 2');
    expect(result.text[42]).toBe('B');
  });

  it('turns a digit in a name into its look-alike letter, and leaves state codes as read', () => {
    // A name with 0 for O. Names carry no check digit: never valid.
    const names = 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<';
    expect(correctLine(names.replace('ERIKSSON', 'ERIKSS0N'))).toEqual({
      text: names,
      layout: 'MRV-A line 1 / TD3 line 1',
      valid: false,
      corrections: [{ field: 'names', position: 11, from: '0', to: 'O' }],
    });
    // A real line crop prints «6HA» where ICAO wants letters: it stays as printed.
    const printed = 'I644615<<46HA6550091F0624211K1BNK03PVF402438';
    expect(correctLine(printed).text).toBe(printed);
  });

  it('passes text of no MRZ shape through unchanged', () => {
    const prose = 'Surname / Фамилия';
    expect(correctLine(prose)).toEqual({ text: prose, valid: false, corrections: [] });
  });

  it('mends a line read one character too long, where check digits or the shape say how', () => {
    // The paper's edge read as «I» before a visa's first line; a doubled filler in a passport's second line.
    expect(mendLength('IVNUSATRAVELER<<HAPPY<<<<<<<<<<<<<<<<<<<<<<<<')?.text).toBe(
      'VNUSATRAVELER<<HAPPY<<<<<<<<<<<<<<<<<<<<<<<<',
    );
    const doubled = 'AC73556958KGZ8104166M3008317<<<<<<<<<<<<<<<<4';
    expect(mendLength(doubled)).toMatchObject({ text: 'AC73556958KGZ8104166M3008317<<<<<<<<<<<<<<<4', valid: true });
    // A stray «I» before a visa's second line: only dropping it makes the check digits agree.
    expect(mendLength('I1234567897CAN6612120M1407282B3XLC000FD142955')).toMatchObject({
      text: '1234567897CAN6612120M1407282B3XLC000FD142955',
      valid: true,
    });
    // A 45-character line nothing explains stays unmended.
    expect(mendLength('X1234567897CAN6612120M1407282B3XLC000FD142955')).toBeUndefined();
  });

  it('restores a filler lost at the end of a names line, never at the end of a checked line', () => {
    const names = 'P<KGZOSMONOV<<ERLAN<<<<<<<<<<<<<<<<<<<<<<<<<';
    expect(mendLength(names.slice(0, -1))?.text).toBe(names);
    // A TD1 second line one short: its last character is the composite check digit, not a filler.
    expect(mendLength('7408122F1204159UTO<<<<<<<<<<<')).toBeUndefined();
  });
});

describe('state codes of a whole zone', () => {
  const td1 = FORMATS.find((spec) => spec.format === 'TD1')!;
  // Monaco's specimen card: the issuing state read with a zero for its O.
  const monaco = ['I<MC0029067<<<0<<<<<<<<<<<<<<<', '9901018F0903248MCO<<<<<<<<<<<0', 'SPECIMEN<<SPECIMEN<<<<<<<<<<<<'];

  it('reads the digits of a state code that is no ICAO code as their look-alike letters', () => {
    const { lines, corrections } = repairStateCodes(monaco, td1);
    expect(lines[0]).toBe('I<MCO029067<<<0<<<<<<<<<<<<<<<');
    expect(lines.slice(1)).toEqual(monaco.slice(1));
    expect(corrections).toEqual([{ field: 'issuingState', position: 4, from: '0', to: 'O' }]);
  });

  it('takes the nationality for an issuing state one letter away from it that is no code', () => {
    const malta = [
      'IDPLT9999999<<3<9999999M<999<<',
      '7309258F0810245MLT0310240<<<<5',
      'SPITERI<MANDY<<<<<<<<<<<<<<<<<',
    ];
    expect(repairStateCodes(malta, td1).lines[0]).toBe('IDMLT9999999<<3<9999999M<999<<');
  });

  it('leaves real codes, specimen states and codes that look like none alone', () => {
    // UTO is ICAO's specimen state: not in the code table, and without digits it is never touched.
    const specimen = [TD1_LINE1, TD1_LINE2, 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'];
    expect(repairStateCodes(specimen, td1)).toEqual({ lines: specimen, corrections: [] });
    // An issuer that is a real code stays even beside another nationality (a Swiss card of a German citizen).
    const foreign = [
      'I<CHE029067<<<0<<<<<<<<<<<<<<<',
      '9901018F0903248DEU<<<<<<<<<<<0',
      'SPECIMEN<<SPECIMEN<<<<<<<<<<<<',
    ];
    expect(repairStateCodes(foreign, td1).corrections).toEqual([]);
    // Digits whose look-alikes make no code either: as read.
    const unknown = [
      'I<X9Q029067<<<0<<<<<<<<<<<<<<<',
      '9901018F0903248CHE<<<<<<<<<<<0',
      'SPECIMEN<<SPECIMEN<<<<<<<<<<<<',
    ];
    expect(repairStateCodes(unknown, td1).lines).toEqual(unknown);
  });
});
