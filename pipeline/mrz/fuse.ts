// One zone assembled from many readings. The candidates of a search read the
// same MRZ lines from their own crops (another detector size, another pairing
// of rows, the other locator), and one gets a line right that another gets
// wrong: a glare spot, a shadow's edge or a clipped end hits each crop
// differently. Each line is taken where it is surest, and the check digits over
// the assembled zone (the composite spans its lines) judge the result.
import { checkAgrees, FORMATS, type FormatSpec } from './formats.ts';
import { isIcaoCode } from '../validators/countries.ts';

/** Check digits that lie wholly on one line: they judge a line read alone. */
const ownChecks = (spec: FormatSpec, line: number) =>
  spec.checks.filter(
    (check) =>
      check.digit[0] === line &&
      check.over.every(([on]) => on === line) &&
      (!check.overflow || check.overflow[0] === line),
  );

/** A line's codes (document code, states) are ones that exist. */
function plausibleCodes(spec: FormatSpec, line: number, text: string): boolean {
  return spec.fields
    .filter((field) => field.at[0] === line && (field.kind === 'code' || field.kind === 'state'))
    .every((field) => {
      const value = text.slice(field.at[1], field.at[2]);
      if (field.kind === 'code') return spec.codes.test(value);
      const state = value.replace(/</g, '');
      return state === 'UTO' || isIcaoCode(state);
    });
}

/**
 * Whether a line read alone can stand at this place of the zone: every check
 * digit that lies on it agrees; on a line none lies on (the names), it holds
 * letters and fillers only.
 */
function fits(spec: FormatSpec, line: number, text: string): boolean {
  const checks = ownChecks(spec, line);
  if (checks.length === 0) return /^[A-Z<]+$/.test(text) && text.includes('<<');
  const lines = Array.from({ length: spec.lines }, (_, i) => (i === line ? text : '<'.repeat(spec.length)));
  return checks.every((check) => checkAgrees(check, lines));
}

/**
 * For each layout whose every line has a fitting reading among `lines` (every
 * line read so far, repaired), the zone of the best fitting readings: codes
 * that exist first, then the reading seen most often, then the first seen.
 */
export function fusedZones(lines: readonly string[]): string[][] {
  const seen = new Map<string, number>();
  for (const line of lines) seen.set(line, (seen.get(line) ?? 0) + 1);
  const readings = [...seen.keys()];
  const zones: string[][] = [];
  for (const spec of FORMATS) {
    const zone = Array.from({ length: spec.lines }, (_, line) => {
      const fitting = readings.filter((text) => text.length === spec.length && fits(spec, line, text));
      const score = (text: string) => [Number(plausibleCodes(spec, line, text)), seen.get(text)!];
      return fitting.sort((a, b) => score(b)[0]! - score(a)[0]! || score(b)[1]! - score(a)[1]!)[0];
    });
    if (zone.every((text) => text !== undefined) && spec.match.test(zone.join('\n'))) zones.push(zone);
  }
  return zones;
}
