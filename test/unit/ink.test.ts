// Ink (a pixel darker than its neighbourhood's mean) from the integral image,
// checked against the mean taken pixel by pixel; on an image large enough for
// the 32-bit integral to wrap, and sampled every other pixel.
import { describe, expect, it } from 'vitest';
import { forEachInk, inkMask, type GreyImage } from '../../pipeline/image/ink.ts';

/** The definition, summed directly over each clipped window. */
function inkByHand(image: GreyImage, radius: number, contrast: number, x: number, y: number): boolean {
  let [sum, n] = [0, 0];
  for (let v = Math.max(0, y - radius); v <= Math.min(image.height - 1, y + radius); v++)
    for (let u = Math.max(0, x - radius); u <= Math.min(image.width - 1, x + radius); u++) {
      sum += image.data[v * image.width + u]!;
      n++;
    }
  return image.data[y * image.width + x]! < sum / n - contrast;
}

function noise(width: number, height: number, seed: number): GreyImage {
  const data = new Uint8Array(width * height);
  let state = seed;
  for (let i = 0; i < data.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    data[i] = state >>> 24;
  }
  return { width, height, data };
}

describe('ink', () => {
  it('marks exactly the pixels darker than their window mean by the contrast', () => {
    const image = noise(61, 47, 7);
    const mask = inkMask(image, 4, 20);
    let marked = 0;
    for (let y = 0; y < image.height; y++)
      for (let x = 0; x < image.width; x++) {
        expect(mask[y * image.width + x], `${x},${y}`).toBe(inkByHand(image, 4, 20, x, y) ? 1 : 0);
        marked += mask[y * image.width + x]!;
      }
    expect(marked).toBeGreaterThan(100);
  });

  it('stays exact where the running sum passes 2³² (a large bright page)', () => {
    // 4400 × 4000 px of 250 sum to 4.4·10⁹ > 2³²: dots near the far corner, after the wrap.
    const [width, height] = [4400, 4000];
    const image = { width, height, data: new Uint8Array(width * height).fill(250) };
    const dots = [
      [4390, 3990],
      [4000, 3999],
      [10, 10],
    ];
    for (const [x, y] of dots) image.data[y! * width + x!] = 0;
    const found: number[][] = [];
    forEachInk(image, 12, 50, 1, (x, y) => found.push([x, y]));
    expect(found.sort((a, b) => a[0]! - b[0]!)).toEqual([...dots].sort((a, b) => a[0]! - b[0]!));
  });

  it('sampled every other pixel, visits the mask at exactly those pixels', () => {
    const image = noise(80, 50, 11);
    const mask = inkMask(image, 12, 30);
    const sampled: string[] = [];
    forEachInk(image, 12, 30, 2, (x, y) => sampled.push(`${x},${y}`));
    const expected: string[] = [];
    for (let y = 0; y < image.height; y += 2)
      for (let x = 0; x < image.width; x += 2) if (mask[y * image.width + x]) expected.push(`${x},${y}`);
    expect(sampled).toEqual(expected);
    expect(expected.length).toBeGreaterThan(20);
  });
});
