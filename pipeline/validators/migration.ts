// Migration-card rules: the stay itself, the 90-in-180 limit of visa-free
// entry, and the passport the card was issued against.
import { daysBetween, isRealDate, today } from './dates.ts';

export type StayProblem =
  'stay_ends_before_entry' | 'migration_stay_exceeds_90_days' | 'migration_stay_expired' | 'entry_in_future';

/** Visa-free stays: at most 90 days within any 180. */
export const VISA_FREE_DAYS = 90;
export const VISA_FREE_WINDOW_DAYS = 180;

export type Stay = {
  entryDate: string;
  stayUntil: string;
};

/** The stay a migration card's read fields describe, when both its dates were read. */
export const stayOf = (fields: { entryDate?: string; stayUntil?: string } | undefined): Stay | undefined =>
  fields?.entryDate && fields.stayUntil ? { entryDate: fields.entryDate, stayUntil: fields.stayUntil } : undefined;

const dayNumber = (iso: string) => daysBetween('1970-01-01', iso);

/**
 * Occupied days of a set of stays as running totals over day numbers from
 * `first`: days occupied in [a, b] = total[b − first + 1] − total[a − first].
 */
function occupancy(stays: Stay[], first: number, last: number): Int32Array {
  const occupied = new Uint8Array(last - first + 1);
  for (const stay of stays) {
    for (let day = Math.max(first, dayNumber(stay.entryDate)); day <= Math.min(last, dayNumber(stay.stayUntil)); day++)
      occupied[day - first] = 1;
  }
  const total = new Int32Array(occupied.length + 1);
  occupied.forEach((flag, i) => (total[i + 1] = total[i]! + flag));
  return total;
}

/** Days a set of stays occupies inside the 180-day window that ends on `on` (both ends counted). */
export function daysInWindow(stays: Stay[], on: string): number {
  const end = dayNumber(on);
  const start = end - VISA_FREE_WINDOW_DAYS + 1;
  const total = occupancy(stays, start, end);
  return total[total.length - 1]!;
}

/**
 * A migration card's stay, for visa-free entry: it must end after it starts,
 * the card must still be valid, and together with earlier stays (from the
 * registry, when known) it may not exceed 90 days in any 180.
 */
export function stayProblems(card: Stay, now: Date, earlierStays: Stay[] = [], visaFree = true): StayProblem[] {
  const on = today(now);
  const problems: StayProblem[] = [];
  if (card.stayUntil < card.entryDate) return ['stay_ends_before_entry'];
  if (card.entryDate > on) problems.push('entry_in_future');
  if (card.stayUntil < on) problems.push('migration_stay_expired');
  if (visaFree) {
    // The 90/180 rule must hold on every day of the planned stay: running totals make each day one subtraction.
    const [entry, until] = [dayNumber(card.entryDate), dayNumber(card.stayUntil)];
    const first = entry - VISA_FREE_WINDOW_DAYS + 1;
    const total = occupancy([...earlierStays, card], first, until);
    for (let day = entry; day <= until; day++) {
      if (total[day - first + 1]! - total[day - first + 1 - VISA_FREE_WINDOW_DAYS]! > VISA_FREE_DAYS) {
        problems.push('migration_stay_exceeds_90_days');
        break;
      }
    }
  }
  return problems;
}

/**
 * Stays as a registry record lists them: «entry/exit» pairs of ISO dates joined
 * by «;» («2026-01-10/2026-02-20;2026-03-01/2026-03-15»). A pair that is not
 * two real dates in order is left out: it cannot count against anyone.
 */
export function parseStays(text: string | undefined): Stay[] {
  return (text ?? '')
    .split(';')
    .map((pair) => pair.trim().split('/'))
    .filter(
      (pair): pair is [string, string] => pair.length === 2 && pair.every((d) => isRealDate(d)) && pair[0]! <= pair[1]!,
    )
    .map(([entryDate, stayUntil]) => ({ entryDate, stayUntil }));
}

/** Passport numbers as printed and as read from the MRZ: letters and digits only. */
export function samePassportNumber(a: string, b: string): boolean {
  const clean = (value: string) => value.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return clean(a) !== '' && clean(a) === clean(b);
}
