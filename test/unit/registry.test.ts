// Registries in the decision: which lookups an application needs, and what
// each answer makes of it. An unavailable registry never rejects.
import { describe, expect, it } from 'vitest';
import { decide, type ApplicationFacts, type DocumentFact } from '../../pipeline/decision/index.ts';
import type { CheckStage } from '../../pipeline/details.ts';
import type { CheckFact } from '../../pipeline/decision/rules.ts';
import {
  plannedLookups,
  registryKey,
  type RegistryAnswer,
  type RegistryAnswers,
  type RegistryKind,
} from '../../pipeline/registry/index.ts';
import { csvFields } from '../../workers/registry/import.ts';

const pass = (...stages: CheckStage[]): DocumentFact['checks'] =>
  stages.map((stage) => ({ stage, outcome: 'pass', reasonCode: null, details: {} }) as CheckFact);
const CARD = {
  series: '4595',
  number: '4621490',
  surname: 'JURAEV',
  passportNumber: 'AB3719505',
  entryDate: '2026-04-11',
  stayUntil: '2026-07-09',
};

function facts(registries: RegistryAnswers, permit = false): ApplicationFacts {
  return {
    serviceType: permit ? 'residence_permit' : 'registration_at_stay',
    profile: {
      surnameLatin: 'JURAEV',
      givenNamesLatin: 'ULUGBEK',
      surnameCyrillic: 'Жураев',
      dateOfBirth: '1997-11-14',
      citizenship: 'UZB',
      inn: '770155646312',
      snils: '198-171-660 10',
    },
    documents: [
      {
        id: 'p',
        kind: 'passport',
        failed: false,
        checks: pass('normalize', 'quality', 'mrz', 'viz', 'portrait'),
        mrz: {
          fields: {
            surname: 'JURAEV',
            issuingState: 'UZB',
            documentNumber: 'AB3719505',
            dateOfBirth: '1997-11-14',
            dateOfExpiry: '2034-05-13',
          },
        },
      },
      permit
        ? {
            id: 'r',
            kind: 'residence_permit',
            failed: false,
            checks: pass('normalize', 'quality', 'mrz', 'viz', 'portrait'),
            mrz: { fields: { documentNumber: '821502169', dateOfBirth: '1997-11-14', dateOfExpiry: '2030-12-11' } },
          }
        : {
            id: 'm',
            kind: 'migration_card',
            failed: false,
            checks: pass('normalize', 'quality', 'migration_card'),
            card: { fields: CARD },
          },
      { id: 's', kind: 'selfie', failed: false, checks: pass('normalize', 'liveness', 'selfie', 'face') },
    ],
    registries,
    now: new Date('2026-06-01T12:00:00Z'),
  };
}

const PERSON = { surname: 'JURAEV', given_names: 'ULUGBEK', date_of_birth: '1997-11-14' };
const answers = (entries: Partial<Record<RegistryKind, RegistryAnswer>>): RegistryAnswers =>
  Object.fromEntries(
    Object.entries(entries).map(([kind, answer]) => [kind, { kind: kind as RegistryKind, key: 'k', answer: answer! }]),
  );
const found = (record: Record<string, string>): RegistryAnswer => ({ status: 'found', record });
const ALL_FOUND = {
  invalid_documents: { status: 'not_found' } as RegistryAnswer,
  migration_records: found({
    card_series: '4595',
    card_number: '4621490',
    surname: 'JURAEV',
    passport_number: 'AB3719505',
    entry_date: '2026-04-11',
    stay_until: '2026-07-09',
  }),
  tax_numbers: found(PERSON),
  pension_numbers: found(PERSON),
};
const verdictOf = (registries: Partial<Record<RegistryKind, RegistryAnswer>>, permit = false) => {
  const verdict = decide(facts(answers(registries), permit));
  return { status: verdict.status, reasons: verdict.reasons.map((r) => r.code) };
};

describe('registry lookups', () => {
  it('plans one lookup per registry the application has a key for, keys normalised', () => {
    expect(plannedLookups(facts({}))).toEqual([
      { kind: 'invalid_documents', key: 'UZB|AB3719505' },
      { kind: 'migration_records', key: '4595|4621490' },
      { kind: 'tax_numbers', key: '770155646312' },
      { kind: 'pension_numbers', key: '19817166010' },
    ]);
    expect(plannedLookups(facts({}, true)).map((l) => l.kind)).toContain('residence_permits');
    expect(registryKey(['uzb', 'ab 371-9505'])).toBe('UZB|AB3719505');
  });

  it('reads registry export files: quotes, doubled quotes, commas inside quotes', () => {
    expect(csvFields('a,"b, c","say ""hi""",')).toEqual(['a', 'b, c', 'say "hi"', '']);
  });
});

describe('registry rules', () => {
  it('approves when every registry agrees with the documents and the profile', () => {
    expect(verdictOf(ALL_FOUND)).toEqual({ status: 'approved', reasons: [] });
  });

  it('rejects a passport on the invalid list, and a revoked or expired residence permit', () => {
    expect(
      verdictOf({ ...ALL_FOUND, invalid_documents: found({ reason: 'reported lost', listed_on: '2026-03-01' }) }),
    ).toEqual({ status: 'rejected', reasons: ['document_invalid'] });
    const permit = {
      invalid_documents: { status: 'not_found' } as RegistryAnswer,
      tax_numbers: found(PERSON),
      pension_numbers: found(PERSON),
    };
    expect(
      verdictOf({ ...permit, residence_permits: found({ status: 'revoked', valid_until: '2030-12-11' }) }, true),
    ).toEqual({ status: 'rejected', reasons: ['residence_permit_invalid'] });
    expect(
      verdictOf({ ...permit, residence_permits: found({ status: 'valid', valid_until: '2026-01-01' }) }, true),
    ).toEqual({ status: 'rejected', reasons: ['residence_permit_invalid'] });
    expect(verdictOf({ ...permit, residence_permits: { status: 'not_found' } }, true)).toEqual({
      status: 'under_review',
      reasons: ['residence_permit_not_found'],
    });
  });

  it('sends a card the border has no record of, or a different record, to review', () => {
    expect(verdictOf({ ...ALL_FOUND, migration_records: { status: 'not_found' } })).toEqual({
      status: 'under_review',
      reasons: ['migration_record_not_found'],
    });
    const other = found({
      surname: 'JURAEV',
      passport_number: 'AB3719505',
      entry_date: '2026-04-11',
      stay_until: '2026-09-09',
    });
    expect(verdictOf({ ...ALL_FOUND, migration_records: other })).toEqual({
      status: 'under_review',
      reasons: ['migration_record_mismatch'],
    });
  });

  it('sends tax and pension numbers of another person, or unknown ones, to review', () => {
    expect(
      verdictOf({ ...ALL_FOUND, tax_numbers: found({ surname: 'SMIRNOV', date_of_birth: '1971-02-03' }) }),
    ).toEqual({ status: 'under_review', reasons: ['inn_other_person'] });
    expect(verdictOf({ ...ALL_FOUND, pension_numbers: { status: 'not_found' } })).toEqual({
      status: 'under_review',
      reasons: ['snils_not_registered'],
    });
  });

  it('never rejects because a registry did not answer: the case goes to a reviewer', () => {
    const down: RegistryAnswer = { status: 'unavailable', detail: 'timed out' };
    expect(
      verdictOf({ invalid_documents: down, migration_records: down, tax_numbers: down, pension_numbers: down }),
    ).toEqual({ status: 'under_review', reasons: ['registry_unavailable'] });
  });
});
