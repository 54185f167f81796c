// Date rules on documents and migration cards, against an injected clock.
// Dates are ISO strings (YYYY-MM-DD) in UTC.

export type DateProblem =
  | 'date_invalid'
  | 'birth_in_future'
  | 'age_out_of_range'
  | 'issued_before_birth'
  | 'expiry_before_issue'
  | 'document_expired';

const DAY = 24 * 60 * 60 * 1000;
const parse = (iso: string) => new Date(`${iso}T00:00:00Z`);
/** Whole days from one date to another. */
export const daysBetween = (from: string, to: string) =>
  Math.round((parse(to).getTime() - parse(from).getTime()) / DAY);
export const today = (now: Date) => now.toISOString().slice(0, 10);

export function addDays(iso: string, count: number): string {
  return new Date(parse(iso).getTime() + count * DAY).toISOString().slice(0, 10);
}

export function isRealDate(iso: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return false;
  const date = parse(iso);
  // Month 13 or day 45 make no date at all; 31 April rolls over to 1 May.
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso;
}

export function ageOn(dateOfBirth: string, now: Date): number {
  const on = today(now);
  const years = Number(on.slice(0, 4)) - Number(dateOfBirth.slice(0, 4));
  return on.slice(5) < dateOfBirth.slice(5) ? years - 1 : years;
}

export interface DocumentDates {
  dateOfBirth: string;
  dateOfIssue?: string;
  dateOfExpiry?: string;
}

/** Birth before issue before expiry, a plausible age, not expired: every problem found, in that order. */
export function documentDateProblems(dates: DocumentDates, now: Date, ages = { min: 14, max: 120 }): DateProblem[] {
  const given = [dates.dateOfBirth, dates.dateOfIssue, dates.dateOfExpiry].filter((d): d is string => d !== undefined);
  if (!given.every(isRealDate)) return ['date_invalid'];
  const problems: DateProblem[] = [];
  const on = today(now);
  if (dates.dateOfBirth > on) problems.push('birth_in_future');
  else {
    const age = ageOn(dates.dateOfBirth, now);
    if (age < ages.min || age > ages.max) problems.push('age_out_of_range');
  }
  if (dates.dateOfIssue && dates.dateOfIssue < dates.dateOfBirth) problems.push('issued_before_birth');
  if (dates.dateOfIssue && dates.dateOfExpiry && dates.dateOfExpiry <= dates.dateOfIssue)
    problems.push('expiry_before_issue');
  if (dates.dateOfExpiry && dates.dateOfExpiry < on) problems.push('document_expired');
  return problems;
}
