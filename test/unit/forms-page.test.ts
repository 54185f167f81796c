// A form's page is read as two bands at once, cut at a gap between lines: the
// cut never goes through print, the lines come back in page coordinates, and a
// strip a few lines high, or a page asked to be, is read whole.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { OcrLine } from '../../models/tesseract.ts';
import { readPage, type TextOcr } from '../../pipeline/forms/read.ts';
import type { Grey } from '../../pipeline/image/grey.ts';

/** White page with rows of letter-sized dark blocks between the given y ranges. */
function page(width: number, height: number, rows: [number, number][]): Grey {
  const data = Buffer.alloc(width * height, 255);
  for (const [top, bottom] of rows)
    for (let y = top; y < bottom; y++) for (let x = 40; x < width - 40; x++) if (x % 30 < 18) data[y * width + x] = 20;
  return { width, height, data };
}

/** OCR that reports one line 10 px below the top of each band it is given, its text the band's height. */
const bandOcr = {
  latin: async (png: Buffer): Promise<OcrLine[]> => {
    const { height } = await sharp(png).metadata();
    const box = { left: 0, top: 10, right: 100, bottom: 30 };
    return [{ text: String(height), confidence: 90, box, words: [{ text: 'w', confidence: 90, box }] }];
  },
} as unknown as TextOcr;
/** Band heights, top to bottom, from the lines read (the engine returns the bands in page order). */
const heightsOf = (lines: OcrLine[]) => lines.map((line) => Number(line.text));

describe('reading a page in two bands', () => {
  it('cuts in the gap between lines and shifts the second band back to page coordinates', async () => {
    // Print everywhere in the middle fifth (240–360) but for a gap at 250–270, away from the middle.
    const image = page(1200, 600, [
      [100, 130],
      [180, 250],
      [270, 420],
      [480, 510],
    ]);
    const lines = await readPage(image, bandOcr);
    const heights = heightsOf(lines);
    expect(heights).toHaveLength(2);
    const cut = heights[0]!;
    expect(cut).toBeGreaterThanOrEqual(250);
    expect(cut).toBeLessThan(270);
    expect(heights[0]! + heights[1]!).toBe(600);
    expect(lines.map((line) => line.box.top)).toEqual([10, cut + 10]);
    expect(lines[1]!.words[0]!.box.bottom).toBe(cut + 30);
  });

  it('reads a strip a few lines high whole', async () => {
    const lines = await readPage(page(1200, 120, [[20, 50]]), bandOcr);
    expect(heightsOf(lines)).toEqual([120]);
    expect(lines.map((line) => line.box.top)).toEqual([10]);
  });

  it('reads the page whole when asked to', async () => {
    const image = page(1200, 600, [
      [180, 250],
      [270, 420],
    ]);
    expect(heightsOf(await readPage(image, bandOcr, 1))).toEqual([600]);
  });
});
