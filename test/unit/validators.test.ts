import { describe, expect, it } from 'vitest';
import { isIcaoCode, isIsoAlpha3 } from '../../pipeline/validators/countries.ts';
import { ageOn, documentDateProblems, isRealDate } from '../../pipeline/validators/dates.ts';
import { daysInWindow, samePassportNumber, stayProblems } from '../../pipeline/validators/migration.ts';

const NOW = new Date('2026-06-01T10:00:00Z');

describe('country codes', () => {
  it('accepts ISO alpha-3 citizenships and ICAO-only codes only in an MRZ', () => {
    expect(isIsoAlpha3('UZB')).toBe(true);
    expect(isIsoAlpha3('RUS')).toBe(true);
    expect(isIsoAlpha3('XXA')).toBe(false); // stateless: an ICAO code, not a country
    expect(isIcaoCode('XXA')).toBe(true);
    expect(isIcaoCode('D<<')).toBe(true); // Germany, padded as in an MRZ
    expect(isIsoAlpha3('UTO')).toBe(false); // the ICAO specimen state
    expect(isIsoAlpha3('ABC')).toBe(false);
  });
});

describe('document dates', () => {
  it('finds nothing wrong with sane dates', () => {
    expect(
      documentDateProblems({ dateOfBirth: '1990-04-12', dateOfIssue: '2020-01-10', dateOfExpiry: '2030-01-09' }, NOW),
    ).toEqual([]);
  });

  it('names each problem', () => {
    expect(documentDateProblems({ dateOfBirth: '1990-02-30' }, NOW)).toEqual(['date_invalid']);
    expect(documentDateProblems({ dateOfBirth: '2027-01-01' }, NOW)).toEqual(['birth_in_future']);
    expect(documentDateProblems({ dateOfBirth: '2015-01-01' }, NOW)).toEqual(['age_out_of_range']);
    expect(
      documentDateProblems({ dateOfBirth: '1990-01-01', dateOfIssue: '1989-01-01', dateOfExpiry: '1999-01-01' }, NOW),
    ).toEqual(['issued_before_birth', 'document_expired']);
    expect(
      documentDateProblems({ dateOfBirth: '1990-01-01', dateOfIssue: '2020-01-01', dateOfExpiry: '2019-12-31' }, NOW),
    ).toEqual(['expiry_before_issue', 'document_expired']);
  });

  it('treats the expiry day itself as still valid, against the injected clock', () => {
    expect(documentDateProblems({ dateOfBirth: '1990-01-01', dateOfExpiry: '2026-06-01' }, NOW)).toEqual([]);
    expect(documentDateProblems({ dateOfBirth: '1990-01-01', dateOfExpiry: '2026-05-31' }, NOW)).toEqual([
      'document_expired',
    ]);
  });

  it('counts age in whole years, birthdays included', () => {
    expect(ageOn('2008-06-01', NOW)).toBe(18);
    expect(ageOn('2008-06-02', NOW)).toBe(17);
    expect(isRealDate('2024-02-29')).toBe(true);
    expect(isRealDate('2023-02-29')).toBe(false);
  });
});

describe('migration card stays', () => {
  it('accepts a 90-day stay and refuses a 91-day one', () => {
    expect(stayProblems({ entryDate: '2026-05-01', stayUntil: '2026-07-29' }, NOW)).toEqual([]); // 90 days
    expect(stayProblems({ entryDate: '2026-05-01', stayUntil: '2026-07-30' }, NOW)).toEqual([
      'migration_stay_exceeds_90_days',
    ]);
  });

  it('counts earlier stays within any 180 days', () => {
    const earlier = [{ entryDate: '2026-01-01', stayUntil: '2026-02-19' }]; // 50 days
    expect(daysInWindow(earlier, '2026-06-01')).toBe(50);
    // On 28 June the 180-day window starts on 31 December: 50 earlier days + 40 now = 90, allowed; one more day is not.
    expect(stayProblems({ entryDate: '2026-05-20', stayUntil: '2026-06-28' }, NOW, earlier)).toEqual([]);
    expect(stayProblems({ entryDate: '2026-05-20', stayUntil: '2026-06-29' }, NOW, earlier)).toEqual([
      'migration_stay_exceeds_90_days',
    ]);
    // Far enough apart, the earlier stay has left the window.
    expect(stayProblems({ entryDate: '2026-08-20', stayUntil: '2026-11-17' }, new Date('2026-08-20'), earlier)).toEqual(
      [],
    );
    expect(stayProblems({ entryDate: '2026-04-01', stayUntil: '2026-05-30' }, new Date('2026-04-02'), earlier)).toEqual(
      ['migration_stay_exceeds_90_days'],
    );
  });

  it('names a stay that ended, one that ends before it starts, and one not begun', () => {
    expect(stayProblems({ entryDate: '2026-01-02', stayUntil: '2026-04-01' }, NOW)).toEqual(['migration_stay_expired']);
    expect(stayProblems({ entryDate: '2026-05-10', stayUntil: '2026-05-01' }, NOW)).toEqual(['stay_ends_before_entry']);
    expect(stayProblems({ entryDate: '2026-07-01', stayUntil: '2026-08-01' }, NOW)).toEqual(['entry_in_future']);
  });

  it('compares passport numbers as written', () => {
    expect(samePassportNumber('AB 1234567', 'AB1234567<')).toBe(true);
    expect(samePassportNumber('FA0000042', 'FA0000043')).toBe(false);
    expect(samePassportNumber('', '')).toBe(false);
  });
});
