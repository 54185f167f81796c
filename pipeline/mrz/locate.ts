// Finds the machine readable zone on a page: turn the page so its text runs
// horizontally (90° steps from projection profiles, then skew to half a
// degree), split it into text rows, and return the lowest wide rows as line
// crops — the MRZ is the bottom of every ICAO document. Reading them, and the
// 180° retry, is the caller's.
import sharp from 'sharp';
import { inkMask, type GreyImage } from '../image/ink.ts';
import type { Raster } from '../types.ts';

/** Working size (longer side): MRZ characters come out ≈ 30 px high, what Tesseract reads best. */
const WORKING_SIDE = 1600;
const SKEW_STEP_DEGREES = 0.5;
/** Taller ink bands are several lines run together (MRZ lines are ≈ 30 px at working size). */
const MAX_LINE_HEIGHT = 50;
const MAX_SKEW_DEGREES = 7;

type Grey = GreyImage & { data: Buffer };

/** Ink at working size: dark against a 25×25 neighbourhood by a margin that table grain does not reach. */
const ink = (image: GreyImage) => inkMask(image, 12, 50);

/** How strongly ink falls into rows at this angle: sum of squared row counts. */
function rowSharpness(mask: Uint8Array, width: number, height: number, degrees: number, transpose: boolean): number {
  const radians = (degrees * Math.PI) / 180;
  const [sin, cos] = [Math.sin(radians), Math.cos(radians)];
  const size = Math.ceil(Math.hypot(width, height)) * 2;
  const rows = new Float64Array(size);
  for (let y = 0; y < height; y += 2) {
    for (let x = 0; x < width; x += 2) {
      if (!mask[y * width + x]) continue;
      const [u, v] = transpose ? [y, x] : [x, y];
      const row = Math.round(v * cos - u * sin) + size / 2;
      rows[row]!++;
    }
  }
  let score = 0;
  for (const count of rows) score += count * count;
  return score;
}

export interface Upright {
  /** Clockwise turn applied, in degrees (90° steps plus skew). */
  rotation: number;
  image: Grey;
}

/** Turns the page so that text rows run horizontally; 0° and 180° still look alike here. */
export async function uprightPage(raster: Raster, quarterTurns?: number): Promise<Upright> {
  const scale = WORKING_SIDE / Math.max(raster.width, raster.height);
  const grey = await sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 3 } })
    .resize(Math.round(raster.width * scale), Math.round(raster.height * scale))
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const image = { width: grey.info.width, height: grey.info.height, data: grey.data };
  const mask = ink(image);
  let best = { score: -1, degrees: 0, transpose: false };
  for (const transpose of [false, true]) {
    for (let degrees = -MAX_SKEW_DEGREES; degrees <= MAX_SKEW_DEGREES; degrees += SKEW_STEP_DEGREES) {
      const score = rowSharpness(mask, image.width, image.height, degrees, transpose);
      if (score > best.score) best = { score, degrees, transpose };
    }
  }
  // Rows found along the x axis mean the text runs vertically: a quarter turn.
  const rotation = (best.transpose ? 90 : 0) + (quarterTurns ?? 0) * 90 - (best.transpose ? -best.degrees : best.degrees);
  return { rotation, image: await rotate(image, rotation) };
}

async function rotate(image: Grey, degrees: number): Promise<Grey> {
  if (degrees === 0) return image;
  const turned = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 1 } })
    .rotate(degrees, { background: '#ffffff' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return oneChannel(turned.data, turned.info);
}

/** Rotating with a colour background returns RGB(A): keep one channel. */
async function oneChannel(data: Buffer, info: { width: number; height: number; channels: number }): Promise<Grey> {
  if (info.channels === 1) return { width: info.width, height: info.height, data };
  const grey = await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels as 3 | 4 } })
    .extractChannel(0)
    .raw()
    .toBuffer();
  return { width: info.width, height: info.height, data: grey };
}

/**
 * The lower part of an upright page, deskewed on its own: in a phone photo
 * perspective tilts the MRZ differently from the rest of the page.
 */
export async function lowerPart(image: Grey, share = 0.5): Promise<Grey> {
  const top = Math.floor(image.height * (1 - share));
  const part = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 1 } })
    .extract({ left: 0, top, width: image.width, height: image.height - top })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return deskew(await oneChannel(part.data, part.info), MAX_SKEW_DEGREES, SKEW_STEP_DEGREES);
}

/** Rotates the image so that its ink rows are sharpest, within ±maxDegrees. */
async function deskew(image: Grey, maxDegrees: number, step: number): Promise<Grey> {
  const mask = ink(image);
  let best = { score: -1, degrees: 0 };
  for (let degrees = -maxDegrees; degrees <= maxDegrees; degrees += step) {
    const score = rowSharpness(mask, image.width, image.height, degrees, false);
    if (score > best.score) best = { score, degrees };
  }
  return rotate(image, -best.degrees);
}

export interface LineCrop {
  top: number;
  bottom: number;
  left: number;
  right: number;
  png: Buffer;
}

/** Otsu's threshold: the grey level that best splits the histogram in two. */
function otsu(data: Buffer): number {
  const histogram = new Float64Array(256);
  for (const value of data) histogram[value]!++;
  const total = data.length;
  let sumAll = 0;
  for (let i = 0; i < 256; i++) sumAll += i * histogram[i]!;
  let [sumBelow, weightBelow, best, threshold] = [0, 0, -1, 128];
  for (let i = 0; i < 256; i++) {
    weightBelow += histogram[i]!;
    if (weightBelow === 0 || weightBelow === total) continue;
    sumBelow += i * histogram[i]!;
    const meanBelow = sumBelow / weightBelow;
    const meanAbove = (sumAll - sumBelow) / (total - weightBelow);
    const between = weightBelow * (total - weightBelow) * (meanBelow - meanAbove) ** 2;
    if (between > best) [best, threshold] = [between, i];
  }
  return threshold;
}

/**
 * The document's box: the rows and columns that are mostly paper (brighter than
 * Otsu's split). A flatbed scan is all paper; a phone photo loses its table.
 */
async function documentBox(image: Grey): Promise<Grey> {
  const { width, height, data } = image;
  const threshold = otsu(data);
  const bright = (x: number, y: number) => data[y * width + x]! > threshold;
  const columns = Array.from({ length: width }, (_, x) => {
    let n = 0;
    for (let y = 0; y < height; y += 2) if (bright(x, y)) n++;
    return n / Math.ceil(height / 2);
  });
  const rows = Array.from({ length: height }, (_, y) => {
    let n = 0;
    for (let x = 0; x < width; x += 2) if (bright(x, y)) n++;
    return n / Math.ceil(width / 2);
  });
  const span = (shares: number[]) => [shares.findIndex((s) => s > 0.5), shares.length - 1 - [...shares].reverse().findIndex((s) => s > 0.5)];
  const [left, right] = span(columns);
  const [top, bottom] = span(rows);
  if (left! < 0 || top! < 0 || right! - left! < width * 0.3 || bottom! - top! < 40) return image;
  const box = await sharp(data, { raw: { width, height, channels: 1 } })
    .extract({ left: left!, top: top!, width: right! - left! + 1, height: bottom! - top! + 1 })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return oneChannel(box.data, box.info);
}

interface TextRow {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** Text rows from the ink profile, wide ones only (MRZ lines span most of the document). */
function wideTextRows(image: Grey): TextRow[] {
  const { width, height } = image;
  const mask = ink(image);
  const rowInk = new Uint32Array(height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rowInk[y]! += mask[y * width + x]!;
  const rows: { top: number; bottom: number }[] = [];
  /** Lines that perspective tilts into one another are split at the faintest row between them. */
  const split = (top: number, bottom: number): void => {
    if (bottom - top <= MAX_LINE_HEIGHT) {
      if (bottom - top >= 12) rows.push({ top, bottom });
      return;
    }
    let valley = top + 12;
    const smoothed = (y: number) => rowInk[y - 1]! + rowInk[y]! + rowInk[y + 1]!;
    for (let y = top + 12; y < bottom - 12; y++) if (smoothed(y) < smoothed(valley)) valley = y;
    split(top, valley);
    split(valley + 1, bottom);
  };
  let start = -1;
  const minInk = Math.max(8, width * 0.01);
  for (let y = 0; y <= height; y++) {
    const inked = y < height && rowInk[y]! >= minInk;
    if (inked && start < 0) start = y;
    if (!inked && start >= 0) {
      if (y - start <= 4 * MAX_LINE_HEIGHT) split(start, y);
      start = -1;
    }
  }
  return rows
    .map((row) => {
      let [left, right] = [width, 0];
      for (let y = row.top; y < row.bottom; y++) {
        for (let x = 0; x < width; x++) {
          if (mask[y * width + x]) {
            left = Math.min(left, x);
            right = Math.max(right, x);
          }
        }
      }
      return { ...row, left, right };
    })
    .filter((row) => row.right - row.left > width * 0.35);
}

async function crop(image: Grey, region: { left: number; top: number; width: number; height: number }): Promise<Grey> {
  const out = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 1 } })
    .extract(region)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return oneChannel(out.data, out.info);
}

/** The lowest `count` wide text rows of the document, top to bottom, as PNG crops. */
export async function bottomTextRows(page: Grey, count: number): Promise<LineCrop[]> {
  const image = await documentBox(page);
  const coarse = wideTextRows(image).slice(-count);
  if (coarse.length === 0) return [];
  // Deskew the band holding these rows on its own, then find them again: perspective
  // leaves the MRZ at its own slant.
  const margin = MAX_LINE_HEIGHT;
  const top = Math.max(0, coarse[0]!.top - margin);
  const band = await deskew(await crop(image, { left: 0, top, width: image.width, height: Math.min(image.height, coarse.at(-1)!.bottom + margin) - top }), 4, 0.25);
  const chosen = wideTextRows(band).slice(-count);
  return Promise.all(
    chosen.map(async (row) => {
      const pad = Math.round((row.bottom - row.top) * 0.4);
      const left = Math.max(0, row.left - pad);
      const top = Math.max(0, row.top - pad);
      const region = { left, top, width: Math.min(band.width, row.right + pad) - left, height: Math.min(band.height, row.bottom + pad) - top };
      const png = await sharp((await crop(band, region)).data, { raw: { width: region.width, height: region.height, channels: 1 } })
        .png()
        .toBuffer();
      return { ...row, png };
    }),
  );
}
