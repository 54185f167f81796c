import { describe, expect, it } from 'vitest';
import { sniffType } from '../../pipeline/intake/sniff.ts';
import * as files from '../helpers/files.ts';

describe('content sniffing', () => {
  it.each([
    ['JPEG', () => files.jpeg(), 'image/jpeg', 'JPEG image'],
    ['PNG', () => files.png(), 'image/png', 'PNG image'],
    ['PDF', () => files.pdf([{}]), 'application/pdf', 'PDF document'],
    [
      'PDF with leading junk',
      async () => Buffer.concat([Buffer.from('\r\n\r\n'), await files.pdf([{}])]),
      'application/pdf',
      'PDF document',
    ],
    ['GIF', () => files.gif(), undefined, 'GIF image'],
    ['BMP', async () => files.bmp(), undefined, 'BMP image'],
    ['WebP', async () => Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'), undefined, 'WebP image'],
    ['ZIP', async () => Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]), undefined, 'ZIP archive or office document'],
    ['text', async () => Buffer.from('hello\n'), undefined, 'text'],
    ['noise', async () => Buffer.from([0x00, 0x9f, 0x13, 0xee]), undefined, 'unknown binary data'],
  ])('%s', async (_name, make, accepted, label) => {
    expect(sniffType(await make())).toEqual({ accepted, label });
  });
});
