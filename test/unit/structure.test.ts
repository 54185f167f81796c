import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { jpegStructure, pngStructure } from '../../pipeline/intake/structure.ts';
import * as files from '../helpers/files.ts';

describe('file structure', () => {
  it('tells complete, truncated and malformed JPEGs apart, baseline and progressive', async () => {
    const baseline = await files.jpeg(400, 300);
    const progressive = await (await files.rasterImage(400, 300)).jpeg({ progressive: true }).toBuffer();
    for (const jpeg of [baseline, progressive]) {
      expect(jpegStructure(jpeg)).toBe('complete');
      for (const fraction of [0.05, 0.5, 0.99])
        expect(jpegStructure(files.truncated(jpeg, fraction))).toBe('truncated');
      // Bytes after EOI (some phones append data) do not make a file incomplete.
      expect(jpegStructure(Buffer.concat([jpeg, Buffer.from('trailer')]))).toBe('complete');
    }
    expect(jpegStructure(Buffer.concat([baseline.subarray(0, 20), Buffer.alloc(100, 0x41)]))).toBe('malformed');
  });

  it('tells complete, truncated and malformed PNGs apart', async () => {
    const png = await files.png(200, 100);
    expect(pngStructure(png)).toBe('complete');
    expect(pngStructure(files.truncated(png, 0.7))).toBe('truncated');
    expect(pngStructure(png.subarray(0, png.length - 12))).toBe('truncated'); // IEND missing
    const broken = Buffer.from(png);
    broken.write('12!?', 12, 'latin1'); // first chunk type
    expect(pngStructure(broken)).toBe('malformed');
    expect(pngStructure(await sharp(png).jpeg().toBuffer())).toBe('malformed');
  });
});
