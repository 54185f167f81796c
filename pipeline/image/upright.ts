// Turning a page or a photographed document upright: the paper flattened (or the
// whole page), then turned so that its ink rows are horizontal. Which way up
// (0° or 180°) is left to the reader that finds the text.
import type { Raster } from '../types.ts';
import { greyAt, resizeGrey, rotateGrey, type Grey } from './grey.ts';
import { forEachInk, inkMask, type GreyImage } from './ink.ts';
import { findPaper, flatten } from './paper.ts';

/** Working size (longer side) of an upright document: MRZ characters come out ≈ 30 px high, what Tesseract reads best. */
export const DOCUMENT_SIDE = 1600;

/** Ink at working size: dark against a 25×25 neighbourhood by a margin that table grain does not reach. */
const TEXT_INK = { radius: 12, contrast: 50 };
export const textInk = (image: GreyImage) => inkMask(image, TEXT_INK.radius, TEXT_INK.contrast);

/** Ink pixels sampled every `stride`-th pixel, as coordinates: the angle search walks only these. */
interface InkSample {
  xs: Int32Array;
  ys: Int32Array;
  width: number;
  height: number;
  stride: number;
}

function inkSample(image: GreyImage, stride: number): InkSample {
  const [xs, ys] = [[] as number[], [] as number[]];
  forEachInk(image, TEXT_INK.radius, TEXT_INK.contrast, stride, (x, y) => {
    xs.push(x);
    ys.push(y);
  });
  return { xs: Int32Array.from(xs), ys: Int32Array.from(ys), width: image.width, height: image.height, stride };
}

/** How strongly ink falls into rows at this angle: sum of squared row counts. */
function rowSharpness({ xs, ys, width, height, stride }: InkSample, degrees: number, transpose: boolean): number {
  const radians = (degrees * Math.PI) / 180;
  const [sin, cos] = [Math.sin(radians), Math.cos(radians)];
  const size = Math.ceil(Math.hypot(width, height) / stride) * 2;
  const rows = new Float64Array(size);
  const [us, vs] = transpose ? [ys, xs] : [xs, ys];
  for (let i = 0; i < us.length; i++) {
    // Bins as wide as the sampling step: narrower ones would leave every other bin
    // empty at exactly 0° (and not at any other angle), doubling that angle's score.
    rows[Math.round((vs[i]! * cos - us[i]! * sin) / stride) + size / 2]!++;
  }
  let score = 0;
  for (const count of rows) score += count * count;
  return score;
}

export interface TextDirection {
  /** Text runs along the image's y axis: a quarter turn is needed. */
  transpose: boolean;
  degrees: number;
}

function sharpest(sample: InkSample, angles: readonly number[], axes: readonly boolean[]): TextDirection {
  let best = { score: -1, degrees: 0, transpose: false };
  for (const transpose of axes) {
    for (const degrees of angles) {
      const score = rowSharpness(sample, degrees, transpose);
      if (score > best.score) best = { score, degrees, transpose };
    }
  }
  return best;
}

/** The angle (and axis) at which ink rows are sharpest, among `angles`. */
export function textDirection(
  image: GreyImage,
  angles: readonly number[],
  axes: readonly boolean[] = [false, true],
  stride = 2,
): TextDirection {
  return sharpest(inkSample(image, stride), angles, axes);
}

export const angleRange = (max: number, step: number, around = 0) =>
  Array.from({ length: Math.round((2 * max) / step) + 1 }, (_, i) => around - max + i * step);

/** Clockwise turn that makes rows of this direction horizontal (`0 - degrees`: a level page turns by 0°, never −0°). */
const turnFor = ({ transpose, degrees }: TextDirection) => (transpose ? 90 + degrees : 0 - degrees);

/** Rotates the image so that its ink rows are sharpest, within ±maxDegrees. */
export async function deskew(image: Grey, maxDegrees: number, step: number): Promise<Grey> {
  return rotateGrey(image, turnFor(textDirection(image, angleRange(maxDegrees, step), [false])));
}

export interface UprightDocument {
  /** The document with its text rows horizontal; which way up is still open (0° or 180°). */
  image: Grey;
  /** 'paper': found in a photo and flattened; 'page': the whole page, deskewed. */
  found: 'paper' | 'page';
  /** Clockwise turn applied after flattening, degrees. */
  rotation: number;
}

/** Scans are tilted by at most this much; a flattened photo by little more than its corner error. */
const PAGE_SKEW = 7;
const PAPER_SKEW = 2;

export async function uprightDocument(raster: Raster, side = DOCUMENT_SIDE): Promise<UprightDocument> {
  const quad = await findPaper(raster);
  if (!quad) return uprightPage(raster, side);
  const flat = await flatten(raster, quad, side);
  const direction = textDirection(await resizeGrey(flat, side / 2), angleRange(PAPER_SKEW, 0.5));
  const rotation = turnFor(direction);
  return { image: await rotateGrey(flat, rotation), found: 'paper', rotation };
}

/** The whole page deskewed: for scans, and where the paper's outline found in a photo may be wrong (a shadow cut it). */
export async function uprightPage(raster: Raster, side = DOCUMENT_SIDE): Promise<UprightDocument> {
  // Whole degrees first, then quarter degrees around the best. Not at a smaller size:
  // there the page's edges and the guilloche outweigh the text rows.
  const page = await greyAt(raster, side);
  const sample = inkSample(page, 2);
  const coarse = sharpest(sample, angleRange(PAGE_SKEW, 1), [false, true]);
  const fine = sharpest(sample, angleRange(0.75, 0.25, coarse.degrees), [coarse.transpose]);
  const rotation = turnFor(fine);
  return { image: await rotateGrey(page, rotation), found: 'page', rotation };
}
