// Finds the machine readable zone on an upright document: the MRZ is the
// bottom of every ICAO document, so the lowest wide text rows of its lower
// part are the candidates. Reading them, and the 180° retry, is the caller's.
import { cropGrey, deskew, evenLight, greyPng, textInk, type Grey } from '../image/document.ts';
import { otsu } from '../image/ink.ts';

/** Taller ink bands are several lines run together (MRZ lines are ≈ 30 px at working size). */
const MAX_LINE_HEIGHT = 50;
/** The document is upright already: what is left is perspective's own slant of the lower part. */
const LOWER_PART_SKEW = 3;

/**
 * The lower part of an upright document, evenly lit and deskewed on its own: a
 * shadow across a phone photo would otherwise hide the MRZ from the ink and
 * paper thresholds, and perspective tilts the MRZ differently from the rest.
 */
export async function lowerPart(image: Grey, share = 0.5): Promise<Grey> {
  const top = Math.floor(image.height * (1 - share));
  return deskew(await evenLight(await cropGrey(image, { left: 0, top, width: image.width, height: image.height - top })), LOWER_PART_SKEW, 0.5);
}

export interface LineCrop {
  top: number;
  bottom: number;
  left: number;
  right: number;
  png: Buffer;
}

/**
 * The document's box: the rows and columns that are mostly paper (brighter than
 * Otsu's split). A card on a flatbed page loses the empty page around it.
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
  return cropGrey(image, { left: left!, top: top!, width: right! - left! + 1, height: bottom! - top! + 1 });
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
  const mask = textInk(image);
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
  return rows.map((row) => ({ ...row, ...textSpan(mask, width, row) })).filter((row) => row.right - row.left > width * 0.35);
}

/**
 * The row's text from its first to its last character. Ink further away than
 * two line heights is not part of it: a paper edge or the strip of background
 * a rough flattening leaves at the sides (OCR reads it as one more «1»).
 */
function textSpan(mask: Uint8Array, width: number, row: { top: number; bottom: number }): { left: number; right: number } {
  const inked = (x: number) => {
    for (let y = row.top; y < row.bottom; y++) if (mask[y * width + x]) return true;
    return false;
  };
  const maxGap = 2 * (row.bottom - row.top);
  let best = { left: width, right: 0 };
  let current: { left: number; right: number } | undefined;
  for (let x = 0; x <= width; x++) {
    if (x < width && !inked(x)) continue;
    if (current && (x === width || x - current.right > maxGap)) {
      if (current.right - current.left > best.right - best.left) best = current;
      current = undefined;
    }
    if (x < width) current = current ? { left: current.left, right: x } : { left: x, right: x };
  }
  return best;
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
  const band = await deskew(await cropGrey(image, { left: 0, top, width: image.width, height: Math.min(image.height, coarse.at(-1)!.bottom + margin) - top }), 4, 0.25);
  const chosen = wideTextRows(band).slice(-count);
  return Promise.all(
    chosen.map(async (row) => {
      const pad = Math.round((row.bottom - row.top) * 0.4);
      const left = Math.max(0, row.left - pad);
      const top = Math.max(0, row.top - pad);
      const region = { left, top, width: Math.min(band.width, row.right + pad) - left, height: Math.min(band.height, row.bottom + pad) - top };
      return { ...row, png: await greyPng(await cropGrey(band, region)) };
    }),
  );
}
