import { describe, expect, it } from 'vitest';
import { currentDocuments, decide, type ApplicationFacts, type DocumentFact } from '../../pipeline/decision/index.ts';
import type { CheckStage } from '../../pipeline/details.ts';
import type { CheckFact } from '../../pipeline/decision/rules.ts';

const pass = (...stages: CheckStage[]): DocumentFact['checks'] =>
  stages.map((stage) => ({ stage, outcome: 'pass', reasonCode: null, details: {} }) as CheckFact);

function facts(overrides: Partial<ApplicationFacts> = {}, passport: Partial<DocumentFact> = {}): ApplicationFacts {
  return {
    serviceType: 'registration_at_stay',
    profile: {
      surnameLatin: 'JURAEV',
      givenNamesLatin: 'ALISHER',
      surnameCyrillic: 'Жураев',
      dateOfBirth: '1990-04-12',
      citizenship: 'UZB',
      inn: '500100732259',
      snils: '112-233-445 95',
    },
    documents: [
      {
        id: 'p',
        kind: 'passport',
        failed: false,
        checks: pass('normalize', 'quality', 'mrz', 'viz', 'portrait'),
        mrz: { fields: { surname: 'JURAEV', dateOfBirth: '1990-04-12', dateOfExpiry: '2030-01-01' } },
        ...passport,
      },
      { id: 'm', kind: 'migration_card', failed: false, checks: pass('normalize', 'quality', 'migration_card') },
      { id: 's', kind: 'selfie', failed: false, checks: pass('normalize', 'liveness', 'selfie', 'face') },
    ],
    now: new Date('2026-06-01'),
    ...overrides,
  };
}

const codes = (verdict: ReturnType<typeof decide>) => verdict.fired.map((rule) => rule.code).sort();

const card = (
  fields: Record<string, string>,
  checks: DocumentFact['checks'] = pass('normalize', 'quality', 'migration_card'),
): DocumentFact => ({
  id: 'm',
  kind: 'migration_card',
  failed: false,
  checks,
  card: {
    fields: {
      passportNumber: 'AB1234567',
      surname: 'JURAEV',
      entryDate: '2026-05-01',
      stayUntil: '2026-07-20',
      ...fields,
    },
  },
});
const withCard = (document: DocumentFact, passportNumber = 'AB1234567') =>
  facts({
    documents: [
      {
        id: 'p',
        kind: 'passport',
        failed: false,
        checks: pass('normalize', 'quality', 'mrz', 'viz', 'portrait'),
        mrz: {
          fields: {
            surname: 'JURAEV',
            dateOfBirth: '1990-04-12',
            dateOfExpiry: '2030-01-01',
            documentNumber: passportNumber,
          },
        },
      },
      document,
      { id: 's', kind: 'selfie', failed: false, checks: pass('normalize', 'liveness', 'selfie', 'face') },
    ],
  });

describe('migration card and visual zone rules', () => {
  it('approves a card whose stay is current and whose passport and name agree, look-alike misreadings included', () => {
    expect(decide(withCard(card({})))).toMatchObject({ status: 'approved' });
    expect(decide(withCard(card({ passportNumber: 'A81234567' })))).toMatchObject({ status: 'approved' });
  });

  it('rejects a stay that ended or that exceeds 90 days in 180', () => {
    expect(codes(decide(withCard(card({ entryDate: '2026-01-01', stayUntil: '2026-03-01' }))))).toEqual([
      'migration_stay_expired',
    ]);
    const long = decide(withCard(card({ entryDate: '2026-05-01', stayUntil: '2026-09-01' })));
    expect(long.status).toBe('rejected');
    expect(long.reasons[0]).toMatchObject({ code: 'migration_stay_exceeds_90_days' });
  });

  it("counts earlier stays — the registry record of the card and the applicant's earlier cards — in 90 days of 180", () => {
    // The card: 1 May – 20 July, 81 days. On 20 July the 180-day window opens on 22 January.
    const registryRecord = (earlierStays: string) => ({
      migration_records: {
        kind: 'migration_records' as const,
        key: 'AB|123',
        answer: { status: 'found' as const, record: { earlier_stays: earlierStays } },
      },
    });
    const verdict = (overrides: Partial<ApplicationFacts>) => decide({ ...withCard(card({})), ...overrides });
    // 9 earlier days make 90: allowed; 10 make 91.
    expect(verdict({ registries: registryRecord('2026-02-01/2026-02-09') }).status).toBe('approved');
    expect(codes(verdict({ registries: registryRecord('2026-02-01/2026-02-10') }))).toEqual([
      'migration_stay_exceeds_90_days',
    ]);
    // A stay across the window's opening edge counts only its days inside: 22–30 January is 9 days, 22–31 is 10.
    expect(verdict({ registries: registryRecord('2026-01-13/2026-01-30') }).status).toBe('approved');
    expect(verdict({ registries: registryRecord('2026-01-13/2026-01-31') }).status).toBe('rejected');
    // Earlier applications' cards count the same way, and a day both sources know counts once:
    // 1–5 February from the registry and 3–9 February from an earlier card are 9 days, not 12.
    expect(verdict({ earlierStays: [{ entryDate: '2026-02-01', stayUntil: '2026-02-10' }] }).status).toBe('rejected');
    expect(
      verdict({
        registries: registryRecord('2026-02-01/2026-02-05'),
        earlierStays: [{ entryDate: '2026-02-03', stayUntil: '2026-02-09' }],
      }).status,
    ).toBe('approved');
    // Several short stays add up: 4 + 3 + 3 days with gaps between them.
    expect(
      verdict({ registries: registryRecord('2026-02-01/2026-02-04;2026-03-01/2026-03-03;2026-04-10/2026-04-12') })
        .status,
    ).toBe('rejected');
    // What is not a pair of real dates in order counts nothing.
    expect(verdict({ registries: registryRecord('2026-02-30/2026-03-20;2026-03-20/2026-03-01;garbage') }).status).toBe(
      'approved',
    );
  });

  it('sends another passport number or surname on the card, and a tampered printed zone, to review', () => {
    expect(codes(decide(withCard(card({ passportNumber: 'FA0000042' }))))).toEqual([
      'migration_card_passport_mismatch',
    ]);
    expect(codes(decide(withCard(card({ surname: 'PETROV' }))))).toEqual(['migration_card_name_mismatch']);
    const tampered = withCard(card({}));
    tampered.documents[0]!.checks = [
      ...pass('normalize', 'quality', 'mrz'),
      { stage: 'viz', outcome: 'fail', reasonCode: 'viz_mrz_mismatch', details: { field: 'surname' } },
    ];
    expect(decide(tampered)).toMatchObject({ status: 'under_review', reasons: [{ code: 'viz_mrz_mismatch' }] });
  });

  it('asks for the card again when it could not be read', () => {
    const unreadable = card({}, [
      ...pass('normalize', 'quality'),
      {
        stage: 'migration_card',
        outcome: 'fail',
        reasonCode: 'migration_card_unreadable',
        details: { missingFields: 'series' },
      },
    ]);
    const verdict = decide(withCard({ ...unreadable, card: undefined }));
    expect(verdict.status).toBe('clarification_required');
    expect(verdict.missingDocuments).toMatchObject([
      { kind: 'migration_card', reasonCode: 'migration_card_unreadable' },
    ]);
  });
});

describe('decision rules', () => {
  it('approves when every required document passed every stage', () => {
    expect(decide(facts())).toMatchObject({ status: 'approved', reasons: [], missingDocuments: [], fired: [] });
  });

  it('rejects an expired passport, and keeps every fired rule', () => {
    const verdict = decide(
      facts({}, { mrz: { fields: { surname: 'PETROV', dateOfBirth: '1990-04-12', dateOfExpiry: '2026-04-01' } } }),
    );
    expect(verdict.status).toBe('rejected');
    expect(verdict.reasons.map((r) => r.code)).toEqual(['document_expired']);
    expect(codes(verdict)).toEqual(['document_expired', 'profile_name_mismatch']);
  });

  it('asks for missing and unreadable documents, naming them', () => {
    const verdict = decide(
      facts({
        documents: [
          {
            id: 'p',
            kind: 'passport',
            failed: false,
            checks: [
              ...pass('normalize'),
              { stage: 'quality', outcome: 'fail', reasonCode: 'image_blurred', details: {} },
            ],
          },
        ],
      }),
    );
    expect(verdict.status).toBe('clarification_required');
    expect(verdict.missingDocuments.map((d) => [d.kind, d.reasonCode])).toEqual([
      ['migration_card', 'document_missing'],
      ['selfie', 'document_missing'],
      ['passport', 'image_blurred'],
    ]);
    expect(verdict.missingDocuments[2]!.messageRu).toContain('нечёткое');
  });

  it('sends name doubts, a wrong check digit and a birth date difference to a reviewer', () => {
    expect(
      decide(
        facts({}, { mrz: { fields: { surname: 'JURAEVA', dateOfBirth: '1990-04-12', dateOfExpiry: '2030-01-01' } } }),
      ).reasons.map((r) => r.code),
    ).toEqual(['name_match_probable']);
    expect(
      decide(
        facts({}, { mrz: { fields: { surname: 'ZHURAEV', dateOfBirth: '1990-04-12', dateOfExpiry: '2030-01-01' } } }),
      ).status,
    ).toBe('approved');
    expect(
      decide(
        facts({}, { mrz: { fields: { surname: 'JURAEV', dateOfBirth: '1991-04-12', dateOfExpiry: '2030-01-01' } } }),
      ).reasons.map((r) => r.code),
    ).toEqual(['date_of_birth_mismatch']);
    const digit = decide(
      facts(
        {},
        {
          checks: [
            ...pass('normalize', 'quality', 'viz'),
            {
              stage: 'mrz',
              outcome: 'fail',
              reasonCode: 'mrz_check_digit_invalid',
              details: { field: 'documentNumber' },
            },
          ],
        },
      ),
    );
    expect(digit.status).toBe('under_review');
    expect(digit.reasons[0]!.code).toBe('mrz_check_digit_invalid');
  });

  it('sends a passport already used on another account to a reviewer', () => {
    const verdict = decide(
      facts({ sameDocumentElsewhere: { documentNumber: 'AB1234567', applicationIds: ['other-app'] } }),
    );
    expect(verdict.status).toBe('under_review');
    expect(verdict.reasons[0]).toMatchObject({ code: 'duplicate_identity' });
    expect(verdict.reasons[0]!.message).toContain('other-app');
  });

  it('asks the applicant to correct a wrong INN or SNILS', () => {
    const verdict = decide(facts({ profile: { ...facts().profile, inn: '500100732258', snils: '112-233-445 96' } }));
    expect(verdict.status).toBe('clarification_required');
    expect(verdict.reasons.map((r) => r.code)).toEqual(['inn_invalid', 'snils_invalid']);
  });

  it('approves on positive evidence only: all required checks passed', () => {
    expect(decide(facts()).status).toBe('approved');
  });

  // Fail closed: each required check of each document, in turn absent, crashed or unavailable.
  const REQUIRED: [number, string][] = [
    [0, 'normalize'],
    [0, 'quality'],
    [0, 'mrz'],
    [0, 'viz'],
    [0, 'portrait'],
    [1, 'normalize'],
    [1, 'quality'],
    [1, 'migration_card'],
    [2, 'normalize'],
    [2, 'liveness'],
    [2, 'selfie'],
    [2, 'face'],
  ];
  it.each(
    REQUIRED.flatMap(([doc, stage]) =>
      (['absent', 'error', 'unavailable'] as const).map((how) => [doc, stage, how] as const),
    ),
  )('never approves when document %i has its %s check %s', (doc, stage, how) => {
    const base = facts();
    const document = base.documents[doc]!;
    const checks = document.checks.filter((c) => c.stage !== stage);
    if (how === 'error')
      checks.push({
        stage,
        outcome: 'error',
        reasonCode: 'stage_crashed',
        details: { stage, detail: 'boom' },
      } as CheckFact);
    if (how === 'unavailable')
      checks.push({ stage, outcome: 'unavailable', reasonCode: null, details: {} } as CheckFact);
    const documents = base.documents.map((d, i) => (i === doc ? { ...d, checks } : d));
    const verdict = decide({ ...base, documents });
    expect(verdict.status).toBe('under_review');
    const expected = how === 'error' ? 'stage_failed' : 'evidence_missing';
    expect(verdict.reasons.map((r) => r.code)).toEqual([expected]);
    expect(verdict.reasons[0]!.message).toContain(stage);
  });

  it('approves a document whose quality findings were waived because its MRZ read (reading decides)', () => {
    const checks = facts().documents[0]!.checks.map((c) =>
      c.stage === 'quality' ? { ...c, outcome: 'warn', reasonCode: 'resolution_too_low' } : c,
    );
    expect(decide(facts({}, { checks })).status).toBe('approved');
  });

  it('names only the quality reason when a bad capture could not be read either', () => {
    const checks: CheckFact[] = [
      ...pass('normalize'),
      { stage: 'quality', outcome: 'fail', reasonCode: 'image_blurred', details: {} },
      { stage: 'mrz', outcome: 'fail', reasonCode: 'mrz_not_found', details: {} },
    ];
    const verdict = decide(facts({}, { checks, mrz: undefined }));
    expect(verdict.status).toBe('clarification_required');
    expect(verdict.reasons.map((r) => r.code)).toEqual(['image_blurred']);
  });

  it('sends a document that ran out of retries to a reviewer, naming the stage', () => {
    const crashed: CheckFact = {
      stage: 'pipeline',
      outcome: 'error',
      reasonCode: 'stage_crashed',
      details: { stage: 'pipeline', detail: 'checksum' },
    };
    const verdict = decide(facts({}, { failed: true, checks: [crashed] }));
    expect(verdict.status).toBe('under_review');
    expect(verdict.reasons.map((r) => r.code)).toEqual(['stage_failed']);
    expect(verdict.reasons[0]!.message).toContain('pipeline check of the passport');
  });

  it('counts only the latest upload of each kind', () => {
    const old = { kind: 'passport' as const, createdAt: new Date('2026-01-01'), id: 'old' };
    const fresh = { kind: 'passport' as const, createdAt: new Date('2026-01-02'), id: 'new' };
    expect(currentDocuments([old, fresh]).map((d) => d.id)).toEqual(['new']);
  });
});

describe('the photo with the document in hand', () => {
  // Descriptors 128-d: distances between them are the offsets put in one coordinate.
  const at = (offset: number) => Array.from({ length: 128 }, (_, i) => (i === 0 ? offset : 0));
  const PASSPORT_FACE = at(0);
  const withHeld = (
    held: DocumentFact['held'],
    checks = pass('normalize', 'held_document'),
    passport: Partial<DocumentFact> = {},
  ) => {
    const base = facts(
      {},
      {
        mrz: {
          fields: {
            surname: 'JURAEV',
            dateOfBirth: '1990-04-12',
            dateOfExpiry: '2030-01-01',
            documentNumber: 'AB1234567',
          },
        },
        face: { descriptor: PASSPORT_FACE },
        ...passport,
      },
    );
    return {
      ...base,
      documents: [
        ...base.documents,
        { id: 'h', kind: 'selfie_with_document' as const, failed: false, checks, ...(held ? { held } : {}) },
      ],
    };
  };

  it('approves the uploaded passport held by its holder', () => {
    expect(decide(withHeld({ applicant: at(0.3), portrait: at(0.2), documentNumber: 'AB1234567' }))).toMatchObject({
      status: 'approved',
      fired: [],
    });
    // An illegible MRZ is no evidence against: the portraits decide.
    expect(decide(withHeld({ applicant: at(0.3), portrait: at(0.2) })).status).toBe('approved');
  });

  it('sends another document to review: another number, or another portrait than the passport’s', () => {
    const otherNumber = decide(withHeld({ applicant: at(0.3), portrait: at(0.2), documentNumber: 'AB1234999' }));
    expect(otherNumber).toMatchObject({ status: 'under_review', reasons: [{ code: 'held_document_not_uploaded' }] });
    expect(otherNumber.reasons[0]!.message).toContain('AB1234999');
    // 0.9 from the passport portrait: beyond the decline band (0.68).
    expect(codes(decide(withHeld({ applicant: at(0.9), portrait: at(0.95) })))).toEqual(['held_document_not_uploaded']);
  });

  it('sends a holder who is not the passport’s person to review', () => {
    // The held portrait is not compared (none found); the applicant is 0.9 from the passport portrait.
    expect(codes(decide(withHeld({ applicant: at(0.9) })))).toEqual(['held_document_person_differs']);
  });

  it('asks again for a photo without a document, and needs the stage’s pass to approve', () => {
    const missing = decide(
      withHeld(undefined, [
        ...pass('normalize'),
        { stage: 'held_document', outcome: 'fail', reasonCode: 'held_document_not_found', details: {} },
      ]),
    );
    expect(missing).toMatchObject({
      status: 'clarification_required',
      missingDocuments: [{ kind: 'selfie_with_document', reasonCode: 'held_document_not_found' }],
    });
    expect(decide(withHeld({ applicant: at(0.3) }, pass('normalize'))).reasons.map((r) => r.code)).toEqual([
      'evidence_missing',
    ]);
  });
});
