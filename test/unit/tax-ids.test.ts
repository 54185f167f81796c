import { describe, expect, it } from 'vitest';
import { checkDigit } from '../../pipeline/mrz/check-digit.ts';
import { innCheckDigits, isValidInn, isValidSnils, snilsCheckNumber } from '../../pipeline/validators/tax-ids.ts';

describe('INN and SNILS check numbers', () => {
  it('computes INN check digits for persons and organisations', () => {
    expect(innCheckDigits('7707083893'.slice(0, 9))).toBe('3'); // Sberbank's published INN
    expect(isValidInn('7707083893')).toBe(true);
    expect(isValidInn('500100732259')).toBe(true);
    expect(isValidInn('500100732258')).toBe(false);
    expect(isValidInn('77070838')).toBe(false);
  });

  it('computes SNILS check numbers, including the 100/101 wrap', () => {
    expect(snilsCheckNumber('112233445')).toBe('95');
    expect(isValidSnils('112-233-445 95')).toBe(true);
    expect(isValidSnils('112-233-445 96')).toBe(false);
    expect(snilsCheckNumber('911000004')).toBe('00'); // weighted sum 100
    expect(snilsCheckNumber('911000005')).toBe('00'); // 101
    expect(snilsCheckNumber('999999999')).toBe('01'); // 405 mod 101
    expect(isValidSnils('001-001-998 00')).toBe(true); // early numbers carry no check
  });
});

describe('MRZ check digits', () => {
  it('matches the ICAO 9303 specimen', () => {
    expect(checkDigit('L898902C3')).toBe('6');
    expect(checkDigit('740812')).toBe('2');
    expect(checkDigit('120415')).toBe('9');
    expect(checkDigit('ZE184226B<<<<<')).toBe('1');
  });
});
