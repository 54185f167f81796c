// ICAO 9303 check digits: characters valued 0–9, A=10 … Z=35, '<'=0,
// weighted 7, 3, 1 repeating, summed modulo 10.
const WEIGHTS = [7, 3, 1];

export function charValue(char: string): number {
  if (char === '<') return 0;
  const code = char.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 90) return code - 55;
  throw new Error(`not an MRZ character: ${JSON.stringify(char)}`);
}

export function checkDigit(field: string): string {
  let sum = 0;
  for (let i = 0; i < field.length; i++) sum += charValue(field[i]!) * WEIGHTS[i % 3]!;
  return String(sum % 10);
}
