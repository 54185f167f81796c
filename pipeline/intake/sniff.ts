// Judges a file's type by its leading bytes, never by its name. Types we do
// not accept are still named, so the rejection can say what was sent.
import type { AcceptedType } from '../types.ts';

interface Signature {
  label: string;
  /** Set for the types intake accepts. */
  accepted?: AcceptedType;
  matches(head: Buffer): boolean;
}

const startsWith =
  (...bytes: number[]) =>
  (head: Buffer) =>
    bytes.every((byte, i) => head[i] === byte);
const ascii =
  (text: string, offset = 0) =>
  (head: Buffer) =>
    head.length >= offset + text.length && head.toString('latin1', offset, offset + text.length) === text;

const SIGNATURES: Signature[] = [
  { label: 'JPEG image', accepted: 'image/jpeg', matches: startsWith(0xff, 0xd8, 0xff) },
  { label: 'PNG image', accepted: 'image/png', matches: startsWith(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a) },
  // PDF readers accept the header anywhere in the first kilobyte.
  { label: 'PDF document', accepted: 'application/pdf', matches: (head) => head.subarray(0, 1024).includes('%PDF-') },
  { label: 'GIF image', matches: (head) => ascii('GIF87a')(head) || ascii('GIF89a')(head) },
  { label: 'BMP image', matches: ascii('BM') },
  {
    label: 'TIFF image',
    matches: (head) => startsWith(0x49, 0x49, 0x2a, 0x00)(head) || startsWith(0x4d, 0x4d, 0x00, 0x2a)(head),
  },
  { label: 'WebP image', matches: (head) => ascii('RIFF')(head) && ascii('WEBP', 8)(head) },
  { label: 'HEIC/AVIF image', matches: (head) => ascii('ftyp', 4)(head) },
  { label: 'JPEG 2000 image', matches: startsWith(0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20) },
  { label: 'ZIP archive or office document', matches: startsWith(0x50, 0x4b, 0x03, 0x04) },
  { label: 'executable', matches: (head) => startsWith(0x7f, 0x45, 0x4c, 0x46)(head) || ascii('MZ')(head) },
];

export interface Sniffed {
  label: string;
  accepted?: AcceptedType;
}

export function sniffType(bytes: Buffer): Sniffed {
  const head = bytes.subarray(0, 1024);
  const found = SIGNATURES.find((signature) => signature.matches(head));
  if (found) return { label: found.label, accepted: found.accepted };
  const printable = head.every((byte) => byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte < 127));
  return { label: printable ? 'text' : 'unknown binary data' };
}
