// Where the paper's outline found in a photo stops short of the MRZ (a shadow
// darkened the document's lower part, so it no longer looks like paper), the
// detector looks at the whole photo after the document, and the printed zone is
// then read above the rows found there. Lines assembled from several readings
// count only as a valid zone: a misprinted check digit is never read away. The
// OCR is a stand-in that tells the MRZ lines apart by their glyphs.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readMrz, type MrzOcr } from '../../pipeline/mrz/index.ts';
import type { NormalizedPage } from '../../pipeline/normalize/index.ts';

const TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
const [WIDTH, HEIGHT] = [1000, 750];
/** The MRZ lines' rows in the photo, and the step of their glyphs (line 1 denser). */
const LINES = [
  { top: 600, step: 10 },
  { top: 650, step: 20 },
];

/** The detector's boxes for lines of glyphs 20 px high from x 150 to 850 of the photo, at the image's scale. */
const boxesAt = (image: { width: number }, tops: readonly number[]) =>
  tops.map((top) => {
    const scale = image.width / WIDTH;
    return { x: 500 * scale, y: (top + 10) * scale, length: 700 * scale, thickness: 20 * scale, angle: 0, score: 0.9 };
  });

/** Glyphs across a line crop's middle row: how the stand-in OCR tells lines apart. */
async function glyphsAcross(png: Buffer): Promise<number> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const row = Math.floor(info.height / 2) * info.width * info.channels;
  let glyphs = 0;
  for (let x = 1; x < info.width; x++)
    if (data[row + x * info.channels]! < 128 && data[row + (x - 1) * info.channels]! >= 128) glyphs++;
  return glyphs;
}

function photo(): NormalizedPage {
  const data = Buffer.alloc(WIDTH * HEIGHT * 3, 60); // a dark table
  const paint = (x0: number, y0: number, x1: number, y1: number, grey: number) => {
    for (let y = y0; y < y1; y++)
      for (let x = x0; x < x1; x++) data.fill(grey, (y * WIDTH + x) * 3, (y * WIDTH + x) * 3 + 3);
  };
  paint(100, 80, 900, 560, 225); // the lit part of the document: bright paper
  paint(100, 560, 900, 700, 100); // its lower part in a shadow: too dark to pass for paper
  // Printed lines on the lit part, glyph-like blocks on the MRZ lines.
  for (let y = 120; y < 520; y += 50) for (let x = 150; x < 600; x += 12) paint(x, y, x + 7, y + 14, 30);
  for (const { top, step } of LINES) for (let x = 150; x < 850; x += step) paint(x, top, x + 6, top + 20, 20);
  return {
    index: 0,
    source: 'png',
    orientation: 1,
    original: { width: WIDTH, height: HEIGHT },
    raster: { width: WIDTH, height: HEIGHT, channels: 3, data },
  };
}

describe('MRZ on the whole photo', () => {
  it('is looked for there once the document as outlined gave nothing, and the printed zone ends where it begins', async () => {
    const looked: string[] = [];
    const ocr: MrzOcr = {
      detect: async (image, side) => {
        // The whole photo keeps the dark table in its corner; the flattened document does not.
        const whole = image.data[0]! < 128;
        looked.push(`${whole ? 'photo' : 'document'} at ${side}`);
        return whole
          ? boxesAt(
              image,
              LINES.map(({ top }) => top),
            )
          : [];
      },
      // Line 1 has twice as many glyphs.
      line: async (png) => ({ text: (await glyphsAcross(png)) > 50 ? TD3[0]! : TD3[1]!, confidence: 90 }),
      block: async () => [],
    };
    const result = await readMrz('passport', [photo()], ocr, new Date('2026-06-01'));
    expect(result.outcome).toBe('pass');
    expect(result.mrz?.lines).toEqual(TD3);
    expect(looked).toEqual(['document at 640', 'document at 960', 'photo at 640']);
    // The printed zone is read from the top of the photo down to the MRZ's first row (600 px in the photo).
    const view = result.views[0]!;
    const scale = view.image.width / WIDTH;
    expect(view.mrzTop).toBeGreaterThan(590 * scale);
    expect(view.mrzTop).toBeLessThan(605 * scale);
  });
});

describe('an MRZ assembled from several readings', () => {
  // ICAO's TD1 specimen with its document number's check digit misprinted (7 → 3).
  const PRINTED = [
    'I<UTOD231458903<<<<<<<<<<<<<<<',
    '7408122F1204159UTO<<<<<<<<<<<6',
    'ERIKSSON<<ANNA<MARIA<<<<<<<<<<',
  ];
  const ROWS = [
    { top: 560, step: 8 },
    { top: 610, step: 13 },
    { top: 660, step: 21 },
  ];
  /** ICAO 9303 check digit, written out here (weights 7, 3, 1). */
  const check = (field: string) =>
    String(
      [...field].reduce(
        (sum, c, i) => sum + (c === '<' ? 0 : /\d/.test(c) ? Number(c) : c.charCodeAt(0) - 55) * [7, 3, 1][i % 3]!,
        0,
      ) % 10,
    );

  it('is not taken over what was read when it is no valid zone: a misprinted digit is not read away', async () => {
    // A misreading of the number whose check digit happens to agree with the misprinted one…
    const digit = [...'0123456789'].find((d) => check(`D2314589${d}`) === '3')!;
    const misreadNumber = `${PRINTED[0]!.slice(0, 13)}${digit}${PRINTED[0]!.slice(14)}`;
    // …read beside a misread birth date, so that this reading alone is no better than the first.
    const misreadBirth = `${PRINTED[1]!.slice(0, 6)}5${PRINTED[1]!.slice(7)}`;
    const data = Buffer.alloc(WIDTH * HEIGHT * 3, 235); // a flatbed scan: paper edge to edge
    for (const { top, step } of ROWS)
      for (let y = top; y < top + 20; y++)
        for (let x = 150; x < 850; x += step) data.fill(20, (y * WIDTH + x) * 3, (y * WIDTH + x + 6) * 3);
    const page: NormalizedPage = {
      index: 0,
      source: 'png',
      orientation: 1,
      original: { width: WIDTH, height: HEIGHT },
      raster: { width: WIDTH, height: HEIGHT, channels: 3, data },
    };
    let side = 0;
    const ocr: MrzOcr = {
      detect: async (image, at) => {
        side = at;
        return boxesAt(
          image,
          ROWS.map(({ top }) => top),
        );
      },
      line: async (png) => {
        const glyphs = await glyphsAcross(png);
        const line = glyphs > 70 ? 0 : glyphs > 40 ? 1 : 2;
        // The page seen at 640 px reads as printed; at 960 px the number and the birth date are misread.
        if (side === 960 && line === 0) return { text: misreadNumber, confidence: 80 };
        if (side === 960 && line === 1) return { text: misreadBirth, confidence: 80 };
        return { text: PRINTED[line]!, confidence: 90 };
      },
      block: async () => [],
    };
    const result = await readMrz('residence_permit', [page], ocr, new Date('2026-06-01'));
    expect(result.mrz?.lines).toEqual(PRINTED);
    expect(result).toMatchObject({ outcome: 'fail', reasonCode: 'mrz_check_digit_invalid' });
    expect(result.mrz?.checkDigits).toMatchObject({ documentNumber: false, dateOfBirth: true });
  });
});
