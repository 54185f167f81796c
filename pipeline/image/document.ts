// Finding the document in a photo: the sheet of paper is the largest bright,
// colourless region; its four corners give a homography that maps it back to
// a flat rectangle — perspective, rotation and the background gone at once.
// A flatbed scan is paper edge to edge: there the page itself is the document.
import sharp, { type Sharp } from 'sharp';
import type { Raster } from '../types.ts';
import { forEachComponent, type Component, type Point } from './components.ts';
import { inkMask, otsu, type GreyImage } from './ink.ts';

export type Grey = GreyImage & { data: Buffer };

/** Working size (longer side) of an upright document: MRZ characters come out ≈ 30 px high, what Tesseract reads best. */
export const DOCUMENT_SIDE = 1600;

/** Size (longer side) at which the paper is looked for. */
const SEARCH_SIDE = 600;
/** Paper: bright and nearly grey (tables, hands and screens are darker or coloured). */
const PAPER = { minLuminance: 110, maxChroma: 48 };
/** The paper must cover this much of the photo, but not all of it (then it is a scan). */
const PAPER_SHARE = { min: 0.12, max: 0.93 };
/** The paper's pixels must fill its quadrilateral this well (text and portrait are holes). */
const MIN_FILL = 0.6;

export type Quad = [Point, Point, Point, Point];

const polygonArea = (q: Quad) =>
  Math.abs(q.reduce((sum, p, i) => sum + p.x * q[(i + 1) % 4]!.y - q[(i + 1) % 4]!.x * p.y, 0)) / 2;
const distance = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);

/** The paper's corners in the raster's pixels (top-left, top-right, bottom-right, bottom-left), or undefined for a scan. */
export async function findPaper(raster: Raster): Promise<Quad | undefined> {
  const scale = SEARCH_SIDE / Math.max(raster.width, raster.height);
  const { data, info } = await sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 3 } })
    .resize(Math.round(raster.width * scale), Math.round(raster.height * scale))
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i++) {
    const [r, g, b] = [data[3 * i]!, data[3 * i + 1]!, data[3 * i + 2]!];
    const luminance = 0.299 * r + 0.587 * g + 0.114 * b;
    mask[i] = luminance > PAPER.minLuminance && Math.max(r, g, b) - Math.min(r, g, b) < PAPER.maxChroma ? 1 : 0;
  }
  let best: Component | undefined;
  forEachComponent(mask, width, height, (component) => {
    if (!best || component.area > best.area) best = component;
  });
  if (!best) return undefined;
  // Paper from edge to edge is the flatbed page, not a document lying on something.
  const { minX, minY, maxX, maxY } = best as Component;
  if (minX === 0 && minY === 0 && maxX === width - 1 && maxY === height - 1) return undefined;
  const share = best.area / (width * height);
  if (share < PAPER_SHARE.min || share > PAPER_SHARE.max) return undefined;
  if (best.area / polygonArea(best.corners) < MIN_FILL) return undefined;
  return best.corners.map((p) => ({ x: (p.x + 0.5) / scale, y: (p.y + 0.5) / scale })) as Quad;
}

/** The 3×3 projective map (h33 = 1) taking `from[i]` to `to[i]`. */
export function homography(from: Quad, to: Quad): number[] {
  const rows: number[][] = [];
  from.forEach(({ x, y }, i) => {
    const { x: u, y: v } = to[i]!;
    rows.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    rows.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  });
  // Gaussian elimination with partial pivoting on the 8×9 augmented matrix.
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let r = col + 1; r < 8; r++) if (Math.abs(rows[r]![col]!) > Math.abs(rows[pivot]![col]!)) pivot = r;
    [rows[col], rows[pivot]] = [rows[pivot]!, rows[col]!];
    for (let r = 0; r < 8; r++) {
      if (r === col) continue;
      const factor = rows[r]![col]! / rows[col]![col]!;
      for (let c = col; c < 9; c++) rows[r]![c]! -= factor * rows[col]![c]!;
    }
  }
  return [...rows.map((row, i) => row[8]! / row[i]!), 1];
}

/** Samples `source` through the map `h` (output pixel → source pixel), bilinear, white outside. */
function warp(source: Grey, h: number[], width: number, height: number): Grey {
  const out = Buffer.alloc(width * height);
  const { width: sw, height: sh, data } = source;
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      const w = h[6]! * u + h[7]! * v + 1;
      const x = (h[0]! * u + h[1]! * v + h[2]!) / w;
      const y = (h[3]! * u + h[4]! * v + h[5]!) / w;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      if (x0 < 0 || y0 < 0 || x0 >= sw - 1 || y0 >= sh - 1) {
        out[v * width + u] = 255;
        continue;
      }
      const fx = x - x0;
      const fy = y - y0;
      const i = y0 * sw + x0;
      const top = data[i]! + (data[i + 1]! - data[i]!) * fx;
      const bottom = data[i + sw]! + (data[i + sw + 1]! - data[i + sw]!) * fx;
      out[v * width + u] = top + (bottom - top) * fy;
    }
  }
  return { width, height, data: out };
}

export async function greyOf(raster: Raster): Promise<Grey> {
  const data = await sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 3 } })
    .greyscale()
    .raw()
    .toBuffer();
  return { width: raster.width, height: raster.height, data };
}

/** The paper inside `quad`, flattened to a rectangle whose longer side is `side`. */
export async function flatten(raster: Raster, quad: Quad, side: number): Promise<Grey> {
  const [tl, tr, br, bl] = quad;
  const naturalWidth = (distance(tl, tr) + distance(bl, br)) / 2;
  const naturalHeight = (distance(tl, bl) + distance(tr, br)) / 2;
  const scale = side / Math.max(naturalWidth, naturalHeight);
  const [width, height] = [Math.round(naturalWidth * scale), Math.round(naturalHeight * scale)];
  const target: Quad = [
    { x: 0, y: 0 },
    { x: width - 1, y: 0 },
    { x: width - 1, y: height - 1 },
    { x: 0, y: height - 1 },
  ];
  return warp(await greyOf(raster), homography(target, quad), width, height);
}

// ---- Grey image helpers ---------------------------------------------------

const rawGrey = (image: Grey) => sharp(image.data, { raw: { width: image.width, height: image.height, channels: 1 } });

/** Operations with a colour background return RGB(A): keep one channel. */
async function oneChannel(pipeline: Sharp): Promise<Grey> {
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  if (info.channels === 1) return { width: info.width, height: info.height, data };
  const grey = await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels as 3 | 4 } })
    .extractChannel(0)
    .raw()
    .toBuffer();
  return { width: info.width, height: info.height, data: grey };
}

export const greyPng = (image: Grey) => rawGrey(image).png().toBuffer();
export const rotateGrey = async (image: Grey, degrees: number) =>
  degrees === 0 ? image : oneChannel(rawGrey(image).rotate(degrees, { background: '#ffffff' }));
export const cropGrey = (image: Grey, region: { left: number; top: number; width: number; height: number }) =>
  oneChannel(rawGrey(image).extract(region));
export const resizeGrey = (image: Grey, side: number) => {
  const scale = side / Math.max(image.width, image.height);
  return oneChannel(rawGrey(image).resize(Math.round(image.width * scale), Math.round(image.height * scale)));
};
/**
 * Black text on white, split at Otsu's level, with a white margin: Tesseract's
 * line recogniser misreads anti-aliased monospaced digits («21.11.1973» →
 * «21081191197.3») that it reads at any size once they are two-tone.
 */
export async function twoTone(image: Grey, margin: number): Promise<Grey> {
  const level = otsu(image.data);
  const data = Buffer.from(image.data.map((value) => (value > level ? 255 : 0)));
  return oneChannel(
    rawGrey({ ...image, data }).extend({
      top: margin,
      bottom: margin,
      left: margin,
      right: margin,
      background: '#ffffff',
    }),
  );
}
/** Half a turn: the pixels in reverse order. */
export const turn180 = (image: Grey): Grey => ({ ...image, data: Buffer.from(image.data).reverse() });

async function greyAt(raster: Raster, side: number): Promise<Grey> {
  const scale = side / Math.max(raster.width, raster.height);
  return oneChannel(
    sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 3 } })
      .resize(Math.round(raster.width * scale), Math.round(raster.height * scale))
      .greyscale(),
  );
}

// ---- Text direction -------------------------------------------------------

/** Ink at working size: dark against a 25×25 neighbourhood by a margin that table grain does not reach. */
export const textInk = (image: GreyImage) => inkMask(image, 12, 50);

/** How strongly ink falls into rows at this angle: sum of squared row counts (every `stride`-th pixel). */
function rowSharpness(
  mask: Uint8Array,
  width: number,
  height: number,
  degrees: number,
  transpose: boolean,
  stride: number,
): number {
  const radians = (degrees * Math.PI) / 180;
  const [sin, cos] = [Math.sin(radians), Math.cos(radians)];
  const size = Math.ceil(Math.hypot(width, height) / stride) * 2;
  const rows = new Float64Array(size);
  for (let y = 0; y < height; y += stride) {
    for (let x = 0; x < width; x += stride) {
      if (!mask[y * width + x]) continue;
      const [u, v] = transpose ? [y, x] : [x, y];
      // Bins as wide as the sampling step: narrower ones would leave every other bin
      // empty at exactly 0° (and not at any other angle), doubling that angle's score.
      rows[Math.round((v * cos - u * sin) / stride) + size / 2]!++;
    }
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

/** The angle (and axis) at which ink rows are sharpest, among `angles`. */
export function textDirection(
  image: GreyImage,
  angles: readonly number[],
  axes: readonly boolean[] = [false, true],
  stride = 2,
): TextDirection {
  const mask = textInk(image);
  let best = { score: -1, degrees: 0, transpose: false };
  for (const transpose of axes) {
    for (const degrees of angles) {
      const score = rowSharpness(mask, image.width, image.height, degrees, transpose, stride);
      if (score > best.score) best = { score, degrees, transpose };
    }
  }
  return best;
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
  if (quad) {
    const flat = await flatten(raster, quad, side);
    const direction = textDirection(await resizeGrey(flat, side / 2), angleRange(PAPER_SKEW, 0.5));
    const rotation = turnFor(direction);
    return { image: await rotateGrey(flat, rotation), found: 'paper', rotation };
  }
  // Whole degrees first, then quarter degrees around the best. Not at a smaller size:
  // there the page's edges and the guilloche outweigh the text rows.
  const page = await greyAt(raster, side);
  const coarse = textDirection(page, angleRange(PAGE_SKEW, 1));
  const fine = textDirection(page, angleRange(0.75, 0.25, coarse.degrees), [coarse.transpose]);
  const rotation = turnFor(fine);
  return { image: await rotateGrey(page, rotation), found: 'page', rotation };
}

/**
 * Even illumination for OCR: each pixel divided by the paper's brightness around
 * it (a heavily blurred copy), so a shadow across a form does not swallow its text.
 */
export async function evenLight(image: Grey): Promise<Grey> {
  // The paper's brightness: the brightest pixel of each 16×16 block (ink is darker), smoothed.
  const block = 16;
  const grid = { width: Math.ceil(image.width / block), height: Math.ceil(image.height / block) };
  const maxima = Buffer.alloc(grid.width * grid.height);
  for (let y = 0; y < image.height; y++) {
    const row = Math.floor(y / block) * grid.width;
    for (let x = 0; x < image.width; x++) {
      const cell = row + Math.floor(x / block);
      if (image.data[y * image.width + x]! > maxima[cell]!) maxima[cell] = image.data[y * image.width + x]!;
    }
  }
  const background = await oneChannel(
    sharp(maxima, { raw: { ...grid, channels: 1 } })
      .blur(1)
      .resize(image.width, image.height),
  );
  const out = Buffer.alloc(image.data.length);
  for (let i = 0; i < out.length; i++)
    out[i] = Math.min(255, Math.round((255 * image.data[i]!) / Math.max(32, background.data[i]!)));
  return { ...image, data: out };
}

/** Dark runs at least this long (at the OCR size) are ruled lines, not letters. */
const RULE_LENGTH = 45;

/**
 * Forms draw a box around every value; OCR takes the box's edges for letters
 * («[LEI» , «|M»). Runs of dark pixels longer than any stroke of a letter,
 * along rows and along columns, are painted white.
 */
export function eraseRules(image: Grey, dark = 150): Grey {
  const { width, height, data } = image;
  const out = Buffer.from(data);
  const erase = (start: number, length: number, step: number) => {
    for (let k = 0; k < length; k++) out[start + k * step] = 255;
  };
  for (let y = 0; y < height; y++) {
    let run = 0;
    for (let x = 0; x <= width; x++) {
      if (x < width && data[y * width + x]! < dark) run++;
      else {
        if (run >= RULE_LENGTH) erase(y * width + x - run, run, 1);
        run = 0;
      }
    }
  }
  for (let x = 0; x < width; x++) {
    let run = 0;
    for (let y = 0; y <= height; y++) {
      if (y < height && data[y * width + x]! < dark) run++;
      else {
        if (run >= RULE_LENGTH) erase((y - run) * width + x, run, width);
        run = 0;
      }
    }
  }
  return { ...image, data: out };
}

/**
 * The band of text inside a region: rows holding dark pixels, the inkiest run
 * of them, cut to its ink with a margin. Single-line OCR needs exactly one line,
 * not the box edge under it.
 */
export function inkBand(
  image: Grey,
  region: { left: number; top: number; right: number; bottom: number },
  dark = 128,
): { left: number; top: number; right: number; bottom: number } | undefined {
  const rows: number[] = [];
  for (let y = region.top; y < region.bottom; y++) {
    let count = 0;
    for (let x = region.left; x < region.right; x++) if (image.data[y * image.width + x]! < dark) count++;
    rows.push(count);
  }
  let best: { top: number; bottom: number; ink: number } | undefined;
  let start = -1;
  let ink = 0;
  for (let i = 0; i <= rows.length; i++) {
    if (i < rows.length && rows[i]! > 1) {
      if (start < 0) [start, ink] = [i, 0];
      ink += rows[i]!;
    } else if (start >= 0) {
      // A ruled line is one or two rows of solid ink; letters are taller.
      if (i - start >= 6 && (!best || ink > best.ink)) best = { top: start, bottom: i, ink };
      start = -1;
    }
  }
  if (!best) return undefined;
  const top = region.top + best.top;
  const bottom = region.top + best.bottom;
  let [left, right] = [region.right, region.left];
  for (let y = top; y < bottom; y++) {
    for (let x = region.left; x < region.right; x++) {
      if (image.data[y * image.width + x]! < dark) [left, right] = [Math.min(left, x), Math.max(right, x + 1)];
    }
  }
  const margin = Math.round((bottom - top) * 0.4);
  return {
    left: Math.max(0, left - margin),
    top: Math.max(0, top - margin),
    right: Math.min(image.width, right + margin),
    bottom: Math.min(image.height, bottom + margin),
  };
}
