// Decision rules as data: each has a reason code (its messages live in
// core/reasons.ts), a severity, the facts it reads, and a check that returns
// its hits. The engine in index.ts walks them; adding a rule is adding a row.
import type { DocumentKind, ServiceType } from '../../generated/prisma/enums.ts';
import type { ReasonCode, ReasonParams } from '../../core/reasons.ts';
import { matchFaces } from '../face/index.ts';
import { compareName, type NameMatch } from '../names/transliteration.ts';
import { documentDateProblems, today } from '../validators/dates.ts';
import { parseStays, samePassportNumber, stayOf, stayProblems, type Stay } from '../validators/migration.ts';
import { isValidInn, isValidSnils } from '../validators/tax-ids.ts';
import { sameUpToLookalikes } from '../ocr/lookalikes.ts';
import type { RegistryAnswers, RegistryKind } from '../registry/index.ts';
import { reasonParams, type StageDetails } from '../details.ts';

export type Severity = 'reject' | 'clarify' | 'review' | 'warn';

/** A stored check as the rules see it: its details typed by its stage. */
export type CheckFact = StageDetails & { outcome: string; reasonCode?: string | null };

export interface DocumentFact {
  id: string;
  kind: DocumentKind;
  /** The document ran out of retries. */
  failed: boolean;
  checks: CheckFact[];
  /** Fields read from the MRZ, when it was read. */
  mrz?: { fields: Record<string, string> };
  /** A migration card's fields, when it was read. */
  card?: { fields: Record<string, string> };
  /** The portrait's (or the selfie's) face descriptor. */
  face?: { descriptor: number[] };
  /** A photo with the document in hand: what its stage found. */
  held?: { applicant: number[]; portrait?: number[]; documentNumber?: string };
}

export interface ApplicationFacts {
  serviceType: ServiceType;
  profile: {
    surnameLatin: string;
    givenNamesLatin: string;
    surnameCyrillic?: string | null;
    givenNamesCyrillic?: string | null;
    dateOfBirth: string;
    citizenship: string;
    inn?: string | null;
    snils?: string | null;
  };
  /** The current document of each kind (a re-upload replaces the earlier one). */
  documents: DocumentFact[];
  /** Registry answers, by registry (absent: no registry was asked). */
  registries?: RegistryAnswers;
  /** The latest active liveness session, if the portal opened one: «open» while its frames may still come. */
  challenge?: { status: 'open' | 'passed' | 'failed'; reasonCode?: string };
  /** Stays of the applicant's earlier applications (their migration cards), for the 90-in-180 rule. */
  earlierStays?: Stay[];
  /** Applications of other accounts that carry the same passport number. */
  sameDocumentElsewhere?: { documentNumber: string; applicationIds: string[] };
  now: Date;
}

export interface RuleHit {
  /** Set when the hit is about one document, to ask for that document again. */
  document?: { kind: DocumentKind; id?: string };
  params?: ReasonParams;
}

export interface Rule {
  /** The reason the rule gives; `fromCheck` rules give the failing check's own reason. */
  code: ReasonCode | 'fromCheck';
  severity: Severity;
  reads: string[];
  check(facts: ApplicationFacts): (RuleHit & { code?: ReasonCode })[];
}

/** Documents each service needs. */
export const REQUIRED_DOCUMENTS: Record<ServiceType, readonly DocumentKind[]> = {
  registration_at_stay: ['passport', 'migration_card', 'selfie'],
  temporary_residence_permit: ['passport', 'migration_card', 'selfie'],
  residence_permit: ['passport', 'residence_permit', 'selfie'],
  work_patent: ['passport', 'migration_card', 'selfie'],
  inn: ['passport', 'selfie'],
  snils: ['passport', 'selfie'],
};

/**
 * The positive evidence an automatic approval needs: for each document, the
 * stages that must have ended `pass`. Anything else (absent, crashed,
 * unavailable) sends the application to a reviewer — never to approval.
 */
export const STAGES_FOR_APPROVAL: Record<DocumentKind, readonly string[]> = {
  passport: ['normalize', 'quality', 'mrz', 'viz', 'portrait'],
  residence_permit: ['normalize', 'quality', 'mrz', 'viz', 'portrait'],
  migration_card: ['normalize', 'quality', 'migration_card'],
  selfie: ['normalize', 'liveness', 'selfie', 'face'],
  selfie_with_document: ['normalize', 'held_document'],
};

/** Warnings an approval accepts: quality findings on a document whose MRZ was read with valid check digits (reading decides). */
const ACCEPTED_WARNINGS = new Set(['quality']);

/** A document whose quality check failed: what could not be read is explained by the capture, whose reason is the one given. */
const badCapture = (document: DocumentFact) =>
  document.checks.some((c) => c.stage === 'quality' && c.outcome === 'fail');

/** Checks that, when they fail, mean "send a better file" rather than "the document is wrong". */
const RETAKE_STAGES = new Set(['normalize', 'quality', 'selfie']);

/** The stage a crashed check names (a whole-run failure is stored as the `pipeline` stage). */
const crashedStage = (check: CheckFact) => check.details.stage ?? check.stage;

const passportMrz = (facts: ApplicationFacts) => facts.documents.find((d) => d.kind === 'passport')?.mrz?.fields;

/**
 * The photo with the document in hand against the uploaded passport: the held
 * document's number (when its MRZ read) and portrait against the passport's,
 * the applicant's face against the passport portrait.
 */
function heldAgainstPassport(facts: ApplicationFacts): {
  notUploaded?: string;
  personDistance?: number;
  document?: RuleHit['document'];
} {
  const photo = facts.documents.find((d) => d.kind === 'selfie_with_document' && d.held);
  const passport = facts.documents.find((d) => d.kind === 'passport');
  if (!photo?.held || !passport) return {};
  const document = { kind: photo.kind, id: photo.id };
  const number = passport.mrz?.fields.documentNumber;
  if (photo.held.documentNumber && number && photo.held.documentNumber !== number)
    return { document, notUploaded: `its number is ${photo.held.documentNumber}, the passport's ${number}` };
  const portrait = passport.face?.descriptor;
  if (!portrait) return {};
  if (photo.held.portrait && matchFaces(photo.held.portrait, portrait).band === 'decline')
    return { document, notUploaded: 'its portrait is not the passport portrait' };
  const person = matchFaces(photo.held.applicant, portrait);
  return person.band === 'decline' ? { document, personDistance: person.distance } : {};
}
const migrationCard = (facts: ApplicationFacts) => facts.documents.find((d) => d.kind === 'migration_card' && d.card);

/** A check of one stage that ended with `reasonCode`, as a hit on its document. */
const checkHits = (stage: string, reasonCode: string) => (facts: ApplicationFacts) =>
  facts.documents.flatMap((d) => {
    const check = d.checks.find((c) => c.stage === stage && c.reasonCode === reasonCode);
    return check ? [{ document: { kind: d.kind, id: d.id }, params: reasonParams(check.details) }] : [];
  });

/** The migration card's stay problems of one kind, as a hit with the card's dates. */
const stayHits = (problem: ReturnType<typeof stayProblems>[number]) => (facts: ApplicationFacts) => {
  const card = migrationCard(facts);
  const stay = stayOf(card?.card?.fields);
  if (!card || !stay) return [];
  // Earlier stays: the border service's record of this card's holder, and the applicant's own earlier cards.
  const record = facts.registries?.migration_records?.answer;
  const earlier = [
    ...(record?.status === 'found' ? parseStays(record.record.earlier_stays) : []),
    ...(facts.earlierStays ?? []),
  ];
  // Three rules read the same stay: judged once per application.
  const problems = stayCache.get(facts) ?? stayCache.set(facts, stayProblems(stay, facts.now, earlier)).get(facts)!;
  return problems.includes(problem) ? [{ document: { kind: card.kind, id: card.id }, params: stay }] : [];
};
const stayCache = new WeakMap<ApplicationFacts, ReturnType<typeof stayProblems>>();

/** The profile surname against the passport's MRZ, as a hit when the comparison says `result`. */
function surnameHits(facts: ApplicationFacts, result: NameMatch): RuleHit[] {
  const surname = passportMrz(facts)?.surname;
  if (!surname) return [];
  const comparison = compareName(
    { cyrillic: facts.profile.surnameCyrillic ?? undefined, latin: facts.profile.surnameLatin },
    surname,
  );
  return comparison.result === result ? [{ params: { explanation: comparison.explanation } }] : [];
}

/** A registry's record, when it found one. */
const registryRecord = (facts: ApplicationFacts, kind: RegistryKind) => {
  const answer = facts.registries?.[kind]?.answer;
  return answer?.status === 'found' ? answer.record : undefined;
};
const registryMissed = (facts: ApplicationFacts, kind: RegistryKind) =>
  facts.registries?.[kind]?.answer.status === 'not_found';

/** The person a registry holds against the applicant's profile: the rule's hit when they differ. */
const personHits = (kind: RegistryKind) => (facts: ApplicationFacts) => {
  const record = registryRecord(facts, kind);
  if (!record) return [];
  const name = compareName(
    { cyrillic: facts.profile.surnameCyrillic ?? undefined, latin: facts.profile.surnameLatin },
    record.surname ?? '',
  );
  const differs =
    name.result === 'mismatch' || (record.date_of_birth && record.date_of_birth !== facts.profile.dateOfBirth);
  return differs
    ? [{ params: { registry: kind, surname: record.surname ?? '', dateOfBirth: record.date_of_birth ?? '' } }]
    : [];
};

/** Fields of the migration card that disagree with the border's own record of it. */
function migrationRecordDifferences(facts: ApplicationFacts): string[] {
  const record = registryRecord(facts, 'migration_records');
  const card = migrationCard(facts)?.card?.fields;
  if (!record || !card) return [];
  const same: Record<string, (a: string, b: string) => boolean> = {
    passport_number: (a, b) => samePassportNumber(a, b) || sameUpToLookalikes(a, b),
    entry_date: (a, b) => a === b,
    stay_until: (a, b) => a === b,
    surname: (a, b) => compareName({ latin: a }, b).result !== 'mismatch',
  };
  const onCard: Record<string, string | undefined> = {
    passport_number: card.passportNumber,
    entry_date: card.entryDate,
    stay_until: card.stayUntil,
    surname: card.surname,
  };
  return Object.entries(same)
    .filter(([field, equal]) => onCard[field] && record[field] && !equal(onCard[field]!, record[field]!))
    .map(([field]) => field);
}

export const RULES: readonly Rule[] = [
  {
    code: 'document_missing',
    severity: 'clarify',
    reads: ['serviceType', 'documents'],
    check: (facts) =>
      REQUIRED_DOCUMENTS[facts.serviceType]
        .filter((kind) => !facts.documents.some((d) => d.kind === kind))
        .map((kind) => ({ document: { kind }, params: { kind } })),
  },
  {
    code: 'fromCheck',
    severity: 'clarify',
    reads: ['documents.checks'],
    check: (facts) =>
      facts.documents.flatMap((document) => {
        const failedCheck = document.checks.find(
          (c) => RETAKE_STAGES.has(c.stage) && c.outcome === 'fail' && c.reasonCode,
        );
        if (!failedCheck) return [];
        return [
          {
            code: failedCheck.reasonCode as ReasonCode,
            document: { kind: document.kind, id: document.id },
            params: reasonParams(failedCheck.details),
          },
        ];
      }),
  },
  {
    // A stage that crashed on every attempt: nobody knows what the document says.
    code: 'stage_failed',
    severity: 'review',
    reads: ['documents.checks', 'documents.failed'],
    check: (facts) =>
      facts.documents.flatMap((document) => {
        const crashed = document.checks.filter((c) => c.outcome === 'error');
        const stages = crashed.length ? [...new Set(crashed.map(crashedStage))] : document.failed ? ['pipeline'] : [];
        return stages.map((stage) => ({
          document: { kind: document.kind, id: document.id },
          params: { stage, kind: document.kind },
        }));
      }),
  },
  {
    code: 'mrz_not_found',
    severity: 'clarify',
    reads: ['documents.checks.mrz'],
    check: (facts) =>
      facts.documents
        .filter((d) => !badCapture(d) && d.checks.some((c) => c.stage === 'mrz' && c.reasonCode === 'mrz_not_found'))
        .map((d) => ({ document: { kind: d.kind, id: d.id } })),
  },
  {
    code: 'liveness_failed',
    severity: 'clarify',
    reads: ['selfie.checks.liveness'],
    check: (facts) =>
      facts.documents.flatMap((d) => {
        const check = d.checks.find((c) => c.stage === 'liveness' && c.outcome === 'fail');
        return check
          ? [{ document: { kind: d.kind, id: d.id }, params: { attack: check.reasonCode ?? 'unknown' } }]
          : [];
      }),
  },
  {
    // A session the applicant failed: the reviewer sees why (its own reason); one still open is no evidence either way.
    code: 'fromCheck',
    severity: 'review',
    reads: ['challenge'],
    check: ({ challenge }) =>
      challenge?.status === 'failed' || challenge?.status === 'open'
        ? [
            {
              code: (challenge.status === 'open'
                ? 'challenge_open'
                : (challenge.reasonCode ?? 'challenge_frames_invalid')) as ReasonCode,
            },
          ]
        : [],
  },
  {
    code: 'held_document_not_found',
    severity: 'clarify',
    reads: ['documents.checks.held_document'],
    check: checkHits('held_document', 'held_document_not_found'),
  },
  {
    code: 'held_document_faces_differ',
    severity: 'review',
    reads: ['documents.checks.held_document'],
    check: checkHits('held_document', 'held_document_faces_differ'),
  },
  {
    code: 'held_document_not_uploaded',
    severity: 'review',
    reads: ['selfie_with_document.held', 'passport.mrz', 'passport.face'],
    check: (facts) => {
      const { notUploaded, document } = heldAgainstPassport(facts);
      return notUploaded ? [{ document, params: { detail: notUploaded } }] : [];
    },
  },
  {
    code: 'held_document_person_differs',
    severity: 'review',
    reads: ['selfie_with_document.held', 'passport.face'],
    check: (facts) => {
      const { personDistance, document } = heldAgainstPassport(facts);
      return personDistance !== undefined ? [{ document, params: { distance: personDistance } }] : [];
    },
  },
  {
    code: 'face_mismatch',
    severity: 'review',
    reads: ['selfie.checks.face'],
    check: checkHits('face', 'face_mismatch'),
  },
  {
    code: 'face_match_uncertain',
    severity: 'review',
    reads: ['selfie.checks.face'],
    check: checkHits('face', 'face_match_uncertain'),
  },
  {
    code: 'portrait_not_found',
    severity: 'review',
    reads: ['documents.checks.portrait'],
    check: checkHits('portrait', 'portrait_not_found'),
  },
  {
    code: 'mrz_check_digit_invalid',
    severity: 'review',
    reads: ['documents.checks.mrz'],
    check: checkHits('mrz', 'mrz_check_digit_invalid'),
  },
  {
    code: 'viz_mrz_mismatch',
    severity: 'review',
    reads: ['documents.checks.viz'],
    check: checkHits('viz', 'viz_mrz_mismatch'),
  },
  {
    code: 'viz_unreadable',
    severity: 'review',
    reads: ['documents.checks.viz'],
    check: checkHits('viz', 'viz_unreadable'),
  },
  {
    code: 'migration_card_unreadable',
    severity: 'clarify',
    reads: ['documents.checks.migration_card'],
    check: checkHits('migration_card', 'migration_card_unreadable'),
  },
  {
    code: 'migration_card_dates_invalid',
    severity: 'review',
    reads: ['documents.checks.migration_card'],
    check: checkHits('migration_card', 'migration_card_dates_invalid'),
  },
  {
    code: 'migration_stay_expired',
    severity: 'reject',
    reads: ['migration_card.stayUntil', 'now'],
    check: stayHits('migration_stay_expired'),
  },
  {
    code: 'migration_stay_exceeds_90_days',
    severity: 'reject',
    reads: ['migration_card.entryDate', 'migration_card.stayUntil'],
    check: stayHits('migration_stay_exceeds_90_days'),
  },
  {
    code: 'migration_entry_in_future',
    severity: 'review',
    reads: ['migration_card.entryDate', 'now'],
    check: stayHits('entry_in_future'),
  },
  {
    code: 'migration_card_passport_mismatch',
    severity: 'review',
    reads: ['migration_card.passportNumber', 'passport.mrz.documentNumber'],
    check: (facts) => {
      const card = migrationCard(facts)?.card?.fields.passportNumber;
      const passport = passportMrz(facts)?.documentNumber;
      // Print and MRZ of the same number may differ only in look-alike characters the OCR confused.
      if (!card || !passport || samePassportNumber(card, passport) || sameUpToLookalikes(card, passport)) return [];
      return [{ params: { card, passport } }];
    },
  },
  {
    code: 'migration_card_name_mismatch',
    severity: 'review',
    reads: ['migration_card.surname', 'passport.mrz.surname'],
    check: (facts) => {
      const card = migrationCard(facts)?.card?.fields.surname;
      const passport = passportMrz(facts)?.surname;
      if (!card || !passport || compareName({ latin: card }, passport).result === 'match') return [];
      return [{ params: { card, passport } }];
    },
  },
  {
    code: 'document_expired',
    severity: 'reject',
    reads: ['documents.mrz.dateOfExpiry', 'now'],
    check: (facts) =>
      facts.documents.flatMap((d) => {
        const fields = d.mrz?.fields;
        if (!fields?.dateOfExpiry || !fields.dateOfBirth) return [];
        const problems = documentDateProblems(
          { dateOfBirth: fields.dateOfBirth, dateOfExpiry: fields.dateOfExpiry },
          facts.now,
        );
        return problems.includes('document_expired')
          ? [{ document: { kind: d.kind, id: d.id }, params: { date: fields.dateOfExpiry } }]
          : [];
      }),
  },
  {
    code: 'profile_name_mismatch',
    severity: 'review',
    reads: ['profile.surname', 'passport.mrz.surname'],
    check: (facts) => surnameHits(facts, 'mismatch'),
  },
  {
    code: 'name_match_probable',
    severity: 'review',
    reads: ['profile.surname', 'passport.mrz.surname'],
    check: (facts) => surnameHits(facts, 'probable'),
  },
  {
    code: 'date_of_birth_mismatch',
    severity: 'review',
    reads: ['profile.dateOfBirth', 'passport.mrz.dateOfBirth'],
    check: (facts) => {
      const mrz = passportMrz(facts);
      return mrz?.dateOfBirth && mrz.dateOfBirth !== facts.profile.dateOfBirth
        ? [{ params: { profile: facts.profile.dateOfBirth, document: mrz.dateOfBirth } }]
        : [];
    },
  },
  {
    code: 'duplicate_identity',
    severity: 'review',
    reads: ['passport.mrz.documentNumber', 'other accounts'],
    check: (facts) =>
      facts.sameDocumentElsewhere?.applicationIds.length
        ? [
            {
              params: {
                documentNumber: facts.sameDocumentElsewhere.documentNumber,
                applications: facts.sameDocumentElsewhere.applicationIds.join(', '),
              },
            },
          ]
        : [],
  },
  {
    code: 'inn_invalid',
    severity: 'clarify',
    reads: ['profile.inn'],
    check: (facts) =>
      facts.profile.inn && !isValidInn(facts.profile.inn) ? [{ params: { inn: facts.profile.inn } }] : [],
  },
  {
    code: 'snils_invalid',
    severity: 'clarify',
    reads: ['profile.snils'],
    check: (facts) =>
      facts.profile.snils && !isValidSnils(facts.profile.snils) ? [{ params: { snils: facts.profile.snils } }] : [],
  },
  {
    code: 'registry_unavailable',
    severity: 'review',
    reads: ['registries'],
    check: (facts) => {
      const down = Object.values(facts.registries ?? {}).filter((a) => a.answer.status === 'unavailable');
      return down.length ? [{ params: { registries: down.map((a) => a.kind).join(', ') } }] : [];
    },
  },
  {
    code: 'document_invalid',
    severity: 'reject',
    reads: ['registries.invalid_documents'],
    check: (facts) => {
      const record = registryRecord(facts, 'invalid_documents');
      const passport = facts.documents.find((d) => d.kind === 'passport');
      return record
        ? [
            {
              document: { kind: 'passport', id: passport?.id },
              params: { number: passport?.mrz?.fields.documentNumber ?? '', reason: record.reason ?? '' },
            },
          ]
        : [];
    },
  },
  {
    code: 'migration_record_not_found',
    severity: 'review',
    reads: ['registries.migration_records'],
    check: (facts) => (registryMissed(facts, 'migration_records') ? [{}] : []),
  },
  {
    code: 'migration_record_mismatch',
    severity: 'review',
    reads: ['registries.migration_records', 'migration_card'],
    check: (facts) => {
      const fields = migrationRecordDifferences(facts);
      return fields.length ? [{ params: { fields: fields.join(', ') } }] : [];
    },
  },
  {
    code: 'residence_permit_invalid',
    severity: 'reject',
    reads: ['registries.residence_permits', 'now'],
    check: (facts) => {
      const record = registryRecord(facts, 'residence_permits');
      if (!record) return [];
      const expired = record.valid_until !== undefined && record.valid_until < today(facts.now);
      return record.status !== 'valid' || expired
        ? [{ params: { status: expired ? 'expired' : (record.status ?? 'unknown') } }]
        : [];
    },
  },
  {
    code: 'residence_permit_not_found',
    severity: 'review',
    reads: ['registries.residence_permits'],
    check: (facts) => (registryMissed(facts, 'residence_permits') ? [{}] : []),
  },
  {
    code: 'inn_not_registered',
    severity: 'review',
    reads: ['registries.tax_numbers'],
    check: (facts) => (registryMissed(facts, 'tax_numbers') ? [{ params: { inn: facts.profile.inn ?? '' } }] : []),
  },
  {
    code: 'inn_other_person',
    severity: 'review',
    reads: ['registries.tax_numbers', 'profile'],
    check: personHits('tax_numbers'),
  },
  {
    code: 'snils_not_registered',
    severity: 'review',
    reads: ['registries.pension_numbers'],
    check: (facts) =>
      registryMissed(facts, 'pension_numbers') ? [{ params: { snils: facts.profile.snils ?? '' } }] : [],
  },
  {
    code: 'snils_other_person',
    severity: 'review',
    reads: ['registries.pension_numbers', 'profile'],
    check: personHits('pension_numbers'),
  },
];

/**
 * The last gate: every stage an approval needs, for every current document,
 * ended `pass`. Walked only when no rule of review severity or above fired, so
 * its reason never hides a more specific one.
 */
export function missingEvidence(facts: ApplicationFacts): (RuleHit & { code: ReasonCode })[] {
  return facts.documents.flatMap((document) =>
    STAGES_FOR_APPROVAL[document.kind].flatMap((stage) => {
      const check = document.checks.find((c) => c.stage === stage);
      if (check?.outcome === 'pass' || (check?.outcome === 'warn' && ACCEPTED_WARNINGS.has(stage))) return [];
      return [
        {
          code: 'evidence_missing' as const,
          document: { kind: document.kind, id: document.id },
          params: { stage, kind: document.kind, outcome: check?.outcome ?? 'absent' },
        },
      ];
    }),
  );
}
