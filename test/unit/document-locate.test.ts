// Finding the document: the paper in a phone photo flattened by its corners,
// a flatbed scan left whole, and text rows turned horizontal.
import fs from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { findPaper, homography } from '../../pipeline/image/paper.ts';
import { angleRange, textDirection, uprightDocument } from '../../pipeline/image/upright.ts';
import type { Raster } from '../../pipeline/types.ts';

async function raster(file: string): Promise<Raster> {
  const { data, info } = await sharp(fs.readFileSync(file))
    .autoOrient()
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data };
}

describe('document localisation', () => {
  it('solves the homography that maps four corners onto four others', () => {
    const from = [
      { x: 10, y: 20 },
      { x: 300, y: 5 },
      { x: 320, y: 200 },
      { x: 0, y: 190 },
    ] as const;
    const to = [
      { x: 0, y: 0 },
      { x: 100, y: 0 },
      { x: 100, y: 50 },
      { x: 0, y: 50 },
    ] as const;
    const h = homography([...from] as never, [...to] as never);
    from.forEach((p, i) => {
      const w = h[6]! * p.x + h[7]! * p.y + 1;
      expect((h[0]! * p.x + h[1]! * p.y + h[2]!) / w).toBeCloseTo(to[i]!.x, 6);
      expect((h[3]! * p.x + h[4]! * p.y + h[5]!) / w).toBeCloseTo(to[i]!.y, 6);
    });
  });

  it('finds the card lying on a table in a phone photo, and nothing in a flatbed scan', async () => {
    const quad = await findPaper(await raster('fixtures/golden/card-phone-kaz/migration_card.jpg'));
    expect(quad).toBeDefined();
    // Corners of the card as seen in the photo (2489 × 1937), within 2 % of the width.
    const expected = [
      [384, 384],
      [2255, 222],
      [2126, 1616],
      [321, 1682],
    ];
    quad!.forEach((corner, i) => {
      expect(Math.abs(corner.x - expected[i]![0]!)).toBeLessThan(50);
      expect(Math.abs(corner.y - expected[i]![1]!)).toBeLessThan(50);
    });
    expect(await findPaper(await raster('fixtures/golden/passport-tilt-aze/passport.jpg'))).toBeUndefined();
  });

  it('turns a page scanned sideways or tilted so that its text rows run horizontally', async () => {
    const sideways = await uprightDocument(await raster('fixtures/golden/passport-rot90-ukr/passport.jpg'));
    expect(sideways.image.width).toBeGreaterThan(sideways.image.height);
    expect(Math.abs(Math.abs(sideways.rotation) - 90)).toBeLessThan(1);
    const tilted = await uprightDocument(await raster('fixtures/golden/passport-tilt-aze/passport.jpg'));
    expect(tilted.found).toBe('page');
    expect(Math.abs(tilted.rotation)).toBeGreaterThanOrEqual(2);
  });

  // Rows of letter-sized dark blocks on white, tilted by `degrees` (the sign as textDirection reports it).
  function textRows(degrees: number) {
    const [width, height] = [800, 500];
    const data = new Uint8Array(width * height).fill(255);
    const slope = Math.tan((degrees * Math.PI) / 180);
    for (let row = 80; row < 440; row += 60) {
      for (let x0 = 60; x0 < 740; x0 += 22) {
        for (let x = x0; x < x0 + 14; x++) {
          const base = Math.round(row + (x - width / 2) * slope);
          for (let y = base; y < base + 20; y++) data[y * width + x] = 20;
        }
      }
    }
    return { width, height, data };
  }

  it.each([0, 1.5, -3, 4, 6])(
    'finds a tilt of %s° among whole and half degrees, with no pull towards 0°',
    (degrees) => {
      const found = textDirection(textRows(degrees), angleRange(7, 0.5));
      expect(found.transpose).toBe(false);
      expect(found.degrees).toBeCloseTo(degrees, 5);
    },
  );
});
