// Country codes. ICAO 9303 nationality codes are ISO 3166-1 alpha-3 plus a few
// of ICAO's own (D for Germany, XXA stateless, XXB refugee, UNO, EUE, …); the
// `mrz` package ships that table, so the list is not retyped here.
import { states } from 'mrz';

const ICAO_CODES = states as Record<string, string>;

/** ICAO 9303 codes that are not ISO 3166-1 alpha-3 country codes. */
const ICAO_ONLY = new Set([
  'D',
  'EUE',
  'GBD',
  'GBN',
  'GBO',
  'GBP',
  'GBS',
  'UNA',
  'UNK',
  'UNO',
  'XBA',
  'XIM',
  'XCC',
  'XCE',
  'XCO',
  'XEC',
  'XPO',
  'XES',
  'XMP',
  'XOM',
  'XDC',
  'XXA',
  'XXB',
  'XXC',
  'XXX',
  'RKS',
]);

/** A nationality or issuing-state code as it may appear in an MRZ. */
export function isIcaoCode(code: string): boolean {
  return Object.hasOwn(ICAO_CODES, code.replace(/<+$/, ''));
}

/** A country of citizenship as the profile records it (ISO 3166-1 alpha-3). */
export function isIsoAlpha3(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && isIcaoCode(code) && !ICAO_ONLY.has(code);
}
