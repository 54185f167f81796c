// State registries as data: what each holds, how its key is formed, which
// columns its import file has. The lookups an application needs are planned
// from its facts here; the port that answers them (a local mirror in the
// database, or a remote service over HTTP) lives in workers/registry/.
import type { ApplicationFacts } from '../decision/rules.ts';

export const REGISTRY_KINDS = [
  'invalid_documents',
  'migration_records',
  'residence_permits',
  'tax_numbers',
  'pension_numbers',
] as const;
export type RegistryKind = (typeof REGISTRY_KINDS)[number];

export interface RegistryDefinition {
  /** Table of the local mirror. */
  table: string;
  /** Import file columns that form the key, in order (joined with «|»). */
  key: readonly string[];
  /** The other columns: the record. */
  fields: readonly string[];
  /** Columns an export may leave out (older exports): in the record when present. */
  optional?: readonly string[];
  description: string;
}

export const REGISTRIES: Record<RegistryKind, RegistryDefinition> = {
  invalid_documents: {
    table: 'registry_invalid_documents',
    key: ['issuing_state', 'document_number'],
    fields: ['reason', 'listed_on'],
    description: 'invalid, lost or stolen identity documents',
  },
  migration_records: {
    table: 'registry_migration_records',
    key: ['card_series', 'card_number'],
    fields: ['surname', 'given_names', 'date_of_birth', 'passport_number', 'entry_date', 'stay_until'],
    // The holder's earlier stays the border service knows of, «entry/exit» pairs joined by «;».
    optional: ['earlier_stays'],
    description: 'migration cards issued at the border',
  },
  residence_permits: {
    table: 'registry_residence_permits',
    key: ['permit_number'],
    fields: ['status', 'valid_until', 'surname', 'date_of_birth'],
    description: 'residence permits and their status (valid, revoked, cancelled)',
  },
  tax_numbers: {
    table: 'registry_tax_numbers',
    key: ['inn'],
    fields: ['surname', 'given_names', 'date_of_birth'],
    description: 'tax numbers (INN)',
  },
  pension_numbers: {
    table: 'registry_pension_numbers',
    key: ['snils'],
    fields: ['surname', 'given_names', 'date_of_birth'],
    description: 'pension insurance numbers (SNILS)',
  },
};

/** Key parts as the registries store them: upper case, letters and digits only. */
export const registryKey = (parts: readonly string[]) =>
  parts.map((part) => (/^[A-Z0-9]*$/.test(part) ? part : part.toUpperCase().replace(/[^A-Z0-9]/g, ''))).join('|');

export type RegistryAnswer =
  | { status: 'found'; record: Record<string, string> }
  | { status: 'not_found' }
  | { status: 'unavailable'; detail: string };

/** A registry answering lookups by key. Implementations: workers/registry/local.ts, http.ts. */
export interface RegistryPort {
  lookup(kind: RegistryKind, key: string): Promise<RegistryAnswer>;
  /** Whether each registry's circuit is open (a remote registry only). */
  breakers?(): Partial<Record<RegistryKind, boolean>>;
}

export interface RegistryLookup {
  kind: RegistryKind;
  key: string;
}

/** What the application's facts let us look up: document numbers read, card series and number, the profile's tax numbers. */
export function plannedLookups(facts: Pick<ApplicationFacts, 'documents' | 'profile'>): RegistryLookup[] {
  const lookups: RegistryLookup[] = [];
  const passport = facts.documents.find((d) => d.kind === 'passport')?.mrz?.fields;
  if (passport?.issuingState && passport.documentNumber) {
    lookups.push({ kind: 'invalid_documents', key: registryKey([passport.issuingState, passport.documentNumber]) });
  }
  const card = facts.documents.find((d) => d.kind === 'migration_card')?.card?.fields;
  if (card?.series && card.number)
    lookups.push({ kind: 'migration_records', key: registryKey([card.series, card.number]) });
  const permit = facts.documents.find((d) => d.kind === 'residence_permit')?.mrz?.fields;
  if (permit?.documentNumber) lookups.push({ kind: 'residence_permits', key: registryKey([permit.documentNumber]) });
  if (facts.profile.inn) lookups.push({ kind: 'tax_numbers', key: registryKey([facts.profile.inn]) });
  if (facts.profile.snils) lookups.push({ kind: 'pension_numbers', key: registryKey([facts.profile.snils]) });
  return lookups;
}

/** The answers of one settlement, by registry. */
export type RegistryAnswers = Partial<Record<RegistryKind, RegistryLookup & { answer: RegistryAnswer }>>;

export async function askRegistries(port: RegistryPort, lookups: RegistryLookup[]): Promise<RegistryAnswers> {
  const answered = await Promise.all(
    lookups.map(async (lookup) => {
      try {
        return { ...lookup, answer: await port.lookup(lookup.kind, lookup.key) };
      } catch (error) {
        return {
          ...lookup,
          answer: {
            status: 'unavailable',
            detail: error instanceof Error ? error.message : String(error),
          } as RegistryAnswer,
        };
      }
    }),
  );
  return Object.fromEntries(answered.map((a) => [a.kind, a]));
}

export const unavailableRegistries = (answers: RegistryAnswers) =>
  Object.values(answers)
    .filter((a) => a.answer.status === 'unavailable')
    .map((a) => a.kind);
