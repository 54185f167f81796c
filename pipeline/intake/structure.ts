// Walks the container structure of JPEG and PNG files to tell a file that
// stops early from one that is malformed. Decoders report both as errors whose
// text is unreliable (libvips keeps one error buffer for all threads), so the
// verdict must come from the bytes.
export type Structure = 'complete' | 'truncated' | 'malformed';

/** JPEG: SOI, marker segments, entropy-coded scans, and EOI at the end. */
export function jpegStructure(bytes: Buffer): Structure {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return 'malformed';
  let i = 2;
  while (i < bytes.length) {
    if (bytes[i] !== 0xff) return 'malformed';
    while (bytes[i] === 0xff) i++; // fill bytes
    if (i >= bytes.length) return 'truncated';
    const marker = bytes[i++]!;
    if (marker === 0xd9) return 'complete'; // EOI
    if (marker >= 0xd0 && marker <= 0xd7) continue; // RSTn carry no length
    if (i + 2 > bytes.length) return 'truncated';
    const length = bytes.readUInt16BE(i);
    if (length < 2) return 'malformed';
    i += length;
    if (i > bytes.length) return 'truncated';
    if (marker === 0xda) {
      // Entropy-coded data runs to the next marker that is not a stuffed 0xFF00 or a restart.
      while (
        i < bytes.length &&
        !(bytes[i] === 0xff && bytes[i + 1] !== 0x00 && !(bytes[i + 1]! >= 0xd0 && bytes[i + 1]! <= 0xd7))
      )
        i++;
      if (i >= bytes.length - 1) return 'truncated';
    }
  }
  return 'truncated';
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** PNG: signature, then length-type-data-CRC chunks up to IEND. */
export function pngStructure(bytes: Buffer): Structure {
  if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'malformed';
  let i = 8;
  while (i + 8 <= bytes.length) {
    const length = bytes.readUInt32BE(i);
    const type = bytes.toString('latin1', i + 4, i + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) return 'malformed';
    i += 12 + length;
    if (i > bytes.length) return 'truncated';
    if (type === 'IEND') return 'complete';
  }
  return 'truncated';
}
