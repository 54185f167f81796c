// Printed zone against MRZ, field by field: what counts as the same value when
// OCR is the witness, and what is a real difference.
import { describe, expect, it } from 'vitest';
import type { FormReading } from '../../pipeline/forms/index.ts';
import { compareWithMrz, vizVerdict } from '../../pipeline/viz/index.ts';

const MRZ = {
  documentNumber: 'B12042336',
  surname: 'QODIROV',
  givenNames: 'SUHROB',
  dateOfBirth: '1976-03-13',
  dateOfExpiry: '2029-04-08',
  sex: 'M',
};
const box = { left: 0, top: 0, right: 1, bottom: 1 };
const read = (values: Record<string, string | [string, number]>): FormReading =>
  Object.fromEntries(
    Object.entries(values).map(([field, v]) => {
      const [value, confidence] = Array.isArray(v) ? v : [v, 0.95];
      return [field, { value, confidence, text: value, box }];
    }),
  );
const statuses = (fields: FormReading) =>
  Object.fromEntries(compareWithMrz(fields, MRZ).map((c) => [c.field, c.status]));

describe('visual zone against the MRZ', () => {
  it('confirms equal values, names in both scripts, and look-alike misreadings of a number', () => {
    expect(
      statuses(
        read({
          documentNumber: ['812042336', 0.03],
          surname: 'КОДИРОВ / QODIROV',
          givenNames: 'SUHROB',
          dateOfBirth: '1976-03-13',
          dateOfExpiry: '2029-04-08',
          sex: 'M',
        }),
      ),
    ).toEqual({
      documentNumber: 'match',
      surname: 'match',
      givenNames: 'match',
      dateOfBirth: 'match',
      dateOfExpiry: 'match',
      sex: 'match',
    });
  });

  it('flags a different number or name as a mismatch, whatever the confidence', () => {
    const result = compareWithMrz(read({ documentNumber: ['C01234567', 0.3], surname: 'PETROSIAN' }), MRZ);
    expect(result.find((c) => c.field === 'documentNumber')).toMatchObject({
      status: 'mismatch',
      viz: 'C01234567',
      mrz: 'B12042336',
    });
    expect(result.find((c) => c.field === 'surname')?.status).toBe('mismatch');
  });

  it('calls a one-letter difference read with low confidence uncertain, and a sure one a mismatch', () => {
    expect(statuses(read({ surname: ['QODIRAV', 0.4] })).surname).toBe('uncertain');
    expect(statuses(read({ surname: ['QODIRAV', 0.95] })).surname).toBe('mismatch');
  });

  it('decides a Cyrillic-only name by transliteration, and accepts a name the MRZ cut short', () => {
    expect(statuses(read({ givenNames: 'СУХРОБ' })).givenNames).toBe('match');
    const long = compareWithMrz(read({ surname: 'QODIROVBEKOVICHSKIYZODA' }), { ...MRZ, surname: 'QODIROVBEKOVICH' });
    expect(long.find((c) => c.field === 'surname')).toMatchObject({ status: 'match', note: 'truncated in the MRZ' });
  });

  it('reports fields it could not read as unread, never as matching', () => {
    expect(statuses(read({}))).toEqual({
      documentNumber: 'unread',
      surname: 'unread',
      givenNames: 'unread',
      dateOfBirth: 'unread',
      dateOfExpiry: 'unread',
      sex: 'unread',
    });
  });

  it('reports a layout the reader does not know as unreadable, never as a mismatch', () => {
    // Labels of an unfamiliar page landed on other values: one field «differs», nothing agrees.
    const unknownLayout = compareWithMrz(read({ documentNumber: 'DIENSTPASS', dateOfBirth: '2027-02-28' }), MRZ);
    expect(unknownLayout.some((c) => c.status === 'mismatch')).toBe(true);
    expect(vizVerdict(unknownLayout)).toEqual({
      outcome: 'warn',
      reasonCode: 'viz_unreadable',
      params: { confirmed: 0, of: 6 },
    });
  });

  it('keeps a real difference on a known layout a mismatch: the other fields agree', () => {
    const forged = compareWithMrz(
      read({
        documentNumber: 'B12042336',
        surname: 'PETROSIAN',
        givenNames: 'SUHROB',
        dateOfBirth: '1976-03-13',
        dateOfExpiry: '2029-04-08',
      }),
      MRZ,
    );
    expect(vizVerdict(forged)).toEqual({
      outcome: 'fail',
      reasonCode: 'viz_mrz_mismatch',
      params: { field: 'surname' },
    });
    const agreeing = compareWithMrz(
      read({
        documentNumber: 'B12042336',
        surname: 'QODIROV',
        givenNames: 'SUHROB',
        dateOfBirth: '1976-03-13',
        sex: 'M',
      }),
      MRZ,
    );
    expect(vizVerdict(agreeing)).toMatchObject({ outcome: 'pass', score: 5 / 6 });
  });

  it('does not count spacing alone as a difference in a name (letter-spaced print)', () => {
    const result = compareWithMrz(read({ surname: 'QODI ROV' }), MRZ);
    expect(result.find((c) => c.field === 'surname')).toMatchObject({ status: 'match', note: 'equal but for spacing' });
    expect(compareWithMrz(read({ surname: 'QODIRAV' }), MRZ).find((c) => c.field === 'surname')?.status).toBe(
      'mismatch',
    );
  });
});
