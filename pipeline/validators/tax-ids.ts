// Check numbers of Russian personal identifiers: INN (tax number, 10 digits
// for organisations, 12 for persons) and SNILS (pension insurance number).
const INN10 = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12_FIRST = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12_SECOND = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

const weighted = (digits: string, weights: number[]) =>
  (weights.reduce((sum, weight, i) => sum + weight * Number(digits[i]), 0) % 11) % 10;

/** The check digits an INN body needs: 9 digits → 1 digit, 10 digits → 2 digits. */
export function innCheckDigits(body: string): string {
  if (/^\d{9}$/.test(body)) return String(weighted(body, INN10));
  if (!/^\d{10}$/.test(body)) throw new Error('an INN body is 9 or 10 digits');
  const first = weighted(body, INN12_FIRST);
  return `${first}${weighted(body + first, INN12_SECOND)}`;
}

export function isValidInn(inn: string): boolean {
  if (!/^(\d{10}|\d{12})$/.test(inn)) return false;
  const bodyLength = inn.length === 10 ? 9 : 10;
  return innCheckDigits(inn.slice(0, bodyLength)) === inn.slice(bodyLength);
}

/** SNILS check number of a 9-digit body; numbers up to 001-001-998 carry none. */
export function snilsCheckNumber(body: string): string {
  if (!/^\d{9}$/.test(body)) throw new Error('a SNILS body is 9 digits');
  const sum = [...body].reduce((total, digit, i) => total + Number(digit) * (9 - i), 0);
  const check = sum < 100 ? sum : sum % 101 === 100 ? 0 : sum % 101;
  return String(check).padStart(2, '0');
}

export function isValidSnils(snils: string): boolean {
  const digits = snils.replace(/[\s-]/g, '');
  if (!/^\d{11}$/.test(digits)) return false;
  if (Number(digits.slice(0, 9)) <= 1_001_998) return true;
  return snilsCheckNumber(digits.slice(0, 9)) === digits.slice(9);
}

export function formatSnils(digits: string): string {
  return `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6, 9)} ${digits.slice(9)}`;
}
