// Migration-card rules: the stay itself, the 90-in-180 limit of visa-free
// entry, and the passport the card was issued against.
import { addDays, daysBetween, today } from './dates.ts';

export type StayProblem = 'stay_ends_before_entry' | 'migration_stay_exceeds_90_days' | 'migration_stay_expired' | 'entry_in_future';

/** Visa-free stays: at most 90 days within any 180. */
export const VISA_FREE_DAYS = 90;
export const VISA_FREE_WINDOW_DAYS = 180;

export interface Stay {
  entryDate: string;
  stayUntil: string;
}

/** Days a set of stays occupies inside the 180-day window that ends on `on` (both ends counted). */
export function daysInWindow(stays: Stay[], on: string): number {
  const windowStart = daysBetween('1970-01-01', on) - VISA_FREE_WINDOW_DAYS + 1;
  const windowEnd = daysBetween('1970-01-01', on);
  const occupied = new Set<number>();
  for (const stay of stays) {
    const from = Math.max(windowStart, daysBetween('1970-01-01', stay.entryDate));
    const to = Math.min(windowEnd, daysBetween('1970-01-01', stay.stayUntil));
    for (let day = from; day <= to; day++) occupied.add(day);
  }
  return occupied.size;
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
    const stays = [...earlierStays, card];
    // The 90/180 rule must hold on every day of the planned stay.
    for (let day = card.entryDate; day <= card.stayUntil; day = addDays(day, 1)) {
      if (daysInWindow(stays, day) > VISA_FREE_DAYS) {
        problems.push('migration_stay_exceeds_90_days');
        break;
      }
    }
  }
  return problems;
}

/** Passport numbers as printed and as read from the MRZ: letters and digits only. */
export function samePassportNumber(a: string, b: string): boolean {
  const clean = (value: string) => value.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return clean(a) !== '' && clean(a) === clean(b);
}
