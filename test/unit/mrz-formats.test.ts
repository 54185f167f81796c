// The MRZ format tables: every ICAO layout, the French 2×36 ID, lenient
// reading of specimens the `mrz` package refuses, wrong printed digits kept
// wrong. Expected values are the documents' own printed data; where the `mrz`
// package can parse a document, it is the independent oracle.
import { parse } from 'mrz';
import { describe, expect, it } from 'vitest';
import { parseMrz, plausible } from '../../pipeline/mrz/formats.ts';

const NOW = new Date('2026-11-30T00:00:00Z');

describe('MRZ formats', () => {
  it.each([
    ['TD3', ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10']],
    ['TD2', ['I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'D231458907UTO7408122F1204159<<<<<<<6']],
    ['TD1', ['I<UTOD231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<']],
  ])('reads the ICAO 9303 %s specimen field by field', (format, lines) => {
    const parsed = parseMrz(lines, NOW)!;
    expect(parsed).toMatchObject({
      format,
      valid: true,
      fields: {
        documentCode: 'I'.repeat(format === 'TD3' ? 0 : 1) || 'P',
        issuingState: 'UTO',
        documentNumber: 'D23145890'.slice(format === 'TD3' ? 9 : 0) || 'L898902C3',
        surname: 'ERIKSSON',
        givenNames: 'ANNA MARIA',
        nationality: 'UTO',
        dateOfBirth: '1974-08-12',
        sex: 'F',
        dateOfExpiry: '2012-04-15',
      },
    });
    expect(Object.values(parsed.checkDigits).every(Boolean)).toBe(true);
  });

  it('agrees with the mrz package on documents it accepts', () => {
    const documents = [
      ['P<GBRJENNINGS<<PAUL<MICHAEL<<<<<<<<<<<<<<<<<', '0123456784GBR5011025M0810050<<<<<<<<<<<<<<00'],
      ['IDBEL590335801485120100200<<<<', '8512017F0901015BEL<<<<<<<<<<<7', 'REINARTZ<<ULRIKE<KATIA<E<<<<<<'],
      ['IDD<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<', '1220000016D<<4509121<9110018<<<<<<<0'],
      ['IDFRABERTHIER<<<<<<<<<<<<<<<<<<<<<<<', '9409923102854CORINNE<<<<<<<6512068F4'],
    ];
    for (const lines of documents) {
      const theirs = parse(lines);
      const ours = parseMrz(lines, NOW)!;
      expect(ours.valid).toBe(theirs.valid);
      expect(ours.fields.surname).toBe(theirs.fields.lastName);
      expect(ours.fields.dateOfBirth?.slice(2).replace(/-/g, '')).toBe(theirs.fields.birthDate);
      expect(ours.fields.sex).toBe({ male: 'M', female: 'F' }[theirs.fields.sex!] ?? 'X');
    }
  });

  it('reads the French national ID (2×36) by its own layout', () => {
    const parsed = parseMrz(['IDFRABERTHIER<<<<<<<<<<<<<<<<<<<<<<<', '9409923102854CORINNE<<<<<<<6512068F4'], NOW)!;
    expect(parsed).toMatchObject({
      format: 'FRENCH_ID',
      valid: true,
      fields: {
        issuingState: 'FRA',
        surname: 'BERTHIER',
        givenNames: 'CORINNE',
        documentNumber: '940992310285',
        dateOfBirth: '1965-12-06',
        sex: 'F',
      },
      checkDigits: { documentNumber: true, dateOfBirth: true, composite: true },
    });
    expect(parsed.fields.dateOfExpiry).toBeUndefined();
  });

  it.each([
    [
      'MRV-A',
      ['VNUSATRAVELER<<HAPPY<<<<<<<<<<<<<<<<<<<<<<<<', '1234567897CAN6612120M1407282B3XLC000FD142955'],
      'USA',
      '123456789',
      'CAN',
    ],
    [
      'MRV-B',
      ['VCFRASPECIMEN<<SPECIMEN<<<<<<<<<<<<<', 'F000000005UTO0311063M1401143<M300703'],
      'FRA',
      'F00000000',
      'UTO',
    ],
  ])('reads a %s visa, which the mrz package refuses', (format, lines, state, number, nationality) => {
    expect(() => parse(lines).valid).not.toThrow();
    expect(parse(lines).valid).toBe(false); // "document code must start with P / A, C or I"
    expect(parseMrz(lines, NOW)).toMatchObject({
      format,
      valid: true,
      fields: { documentCode: lines[0]!.slice(0, 2), issuingState: state, documentNumber: number, nationality },
      checkDigits: { documentNumber: true, dateOfBirth: true, dateOfExpiry: true },
    });
  });

  it('reads specimens leniently: specimen states and all-zero dates, digits judged as printed', () => {
    // The mrz package marks the Croatian all-zero specimen invalid (month 00) and the Australian UTO nationality.
    const croatia = [
      'IOHRV000000000000000000000<<<<',
      '0000000M0000000HRV<<<<<<<<<<<0',
      'UZORAK<<SPECIMEN<<<<<<<<<<<<<<',
    ];
    expect(parse(croatia).valid).toBe(false);
    const hr = parseMrz(croatia, NOW)!;
    expect(hr).toMatchObject({
      format: 'TD1',
      valid: true,
      fields: { documentCode: 'IO', surname: 'UZORAK', givenNames: 'SPECIMEN' },
    });
    expect(hr.fields.dateOfBirth).toBeUndefined(); // 000000 is no calendar date: absent, not invented
    const australia = ['P<AUSCITIZEN<<JANE<<<<<<<<<<<<<<<<<<<<<<<<<<', 'U0996738<2UTO7906075F1112256<50013871L<<<<68'];
    expect(parse(australia).valid).toBe(false);
    expect(parseMrz(australia, NOW)).toMatchObject({
      valid: true,
      fields: { nationality: 'UTO', documentNumber: 'U0996738', dateOfBirth: '1979-06-07' },
    });
    const germanService = [
      'POD<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<',
      'C01YPTNHM1D<<6408125F2702283<<<<<<<<<<<<<<<8',
    ];
    expect(parseMrz(germanService, NOW)).toMatchObject({
      valid: true,
      fields: { documentCode: 'PO', issuingState: 'D', nationality: 'D' },
    });
  });

  it('reports a wrong printed check digit as wrong, naming it', () => {
    // Spanish DNI specimen MUESTRA: birth and expiry check digits printed wrong.
    const spain = [
      'IDESPBAB1834284<44282767Q0<<<<',
      '8001010F1301017ESP<<<<<<<<<<<3',
      'MUESTRA<MUESTRA<<CARMEN<<<<<<<',
    ];
    const parsed = parseMrz(spain, NOW)!;
    expect(parsed.valid).toBe(false);
    expect(parsed.checkDigits).toMatchObject({ documentNumber: true, dateOfBirth: false, dateOfExpiry: false });
    expect(parsed.fields).toMatchObject({
      surname: 'MUESTRA MUESTRA',
      givenNames: 'CARMEN',
      dateOfBirth: '1980-01-01',
    });
  });

  it('reads a TD1 document number that overflows into the optional data', () => {
    // ICAO 9303-5 note j: 12-character number D23145890734, '<' at the check digit, check digit 9 after the rest.
    const lines = [
      'I<UTOD23145890<7349<<<<<<<<<<<',
      '3407127M9507122UTO<<<<<<<<<<<2',
      'STEVENSON<<PETER<JOHN<<<<<<<<<',
    ];
    const parsed = parseMrz(lines, NOW)!;
    expect(parsed.fields.documentNumber).toBe('D23145890734');
    expect(parsed.checkDigits.documentNumber).toBe(true);
  });

  it('returns nothing for lines of no layout, and never throws on stray characters', () => {
    expect(parseMrz(['P<UTO', 'L898'], NOW)).toBeUndefined();
    expect(
      parseMrz(['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<1a'], NOW),
    ).toBeUndefined();
  });

  it('judges what no check digit covers: document code and state codes', () => {
    const td3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
    expect(plausible(parseMrz(td3, NOW)!)).toBe(true);
    // «HLD» for NLD and «ZD» for ID pass every check digit; neither is a code ICAO knows.
    const misreadState = [
      'ITHLD52151673<4VNR1234567890<<',
      '9404014F1106172CHE<I<28<<<<<<2',
      'BELSER<<JULIETTE<HENRIKE<SOPHI',
    ];
    expect(parseMrz(misreadState, NOW)!.valid).toBe(true);
    expect(plausible(parseMrz(misreadState, NOW)!)).toBe(false);
    expect(plausible(parseMrz(['ITNLD52151673<4VNR1234567890<<', ...misreadState.slice(1)], NOW)!)).toBe(true);
    const misreadCode = [
      'ZDLIEID98754015<<<<<<<<<<<<<<<',
      '8205122F1906224LIE<<<<<<<<<<<6',
      'OSPELTBECK<<MARISA<<<<<<<<<<<<',
    ];
    expect(plausible(parseMrz(misreadCode, NOW)!)).toBe(false);
  });
});
