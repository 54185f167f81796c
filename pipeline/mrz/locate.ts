// Finds the machine readable zone on an upright document: the MRZ is the
// bottom of every ICAO document, so the lowest wide text rows of its lower
// part are the candidates. Reading them, and the 180° retry, is the caller's.
import type { TextBox } from '../../models/text-detector.ts';
import { evenLight, evenLightKeepingEdges } from '../image/cleanup.ts';
import { cropGrey, greyPng, resizeGrey, rotateGrey, type Grey } from '../image/grey.ts';
import { deskew, textInk } from '../image/upright.ts';
import { otsu } from '../image/ink.ts';

/** Height of an MRZ line's crop for OCR: the MRZ model reads glyphs of that size best (a line read at 70 px misses digits it reads at 50). */
export const MRZ_LINE_HEIGHT = 50;
/** A line crop (wider than high) scaled to the MRZ model's line height. */
export const atLineHeight = (line: Grey) => resizeGrey(line, Math.round((line.width * MRZ_LINE_HEIGHT) / line.height));
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
  return deskew(
    await evenLight(await cropGrey(image, { left: 0, top, width: image.width, height: image.height - top })),
    LOWER_PART_SKEW,
    0.5,
  );
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
  const span = (shares: number[]) => [
    shares.findIndex((s) => s > 0.5),
    shares.length - 1 - [...shares].reverse().findIndex((s) => s > 0.5),
  ];
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
  return rows
    .map((row) => ({ ...row, ...textSpan(mask, width, row) }))
    .filter((row) => row.right - row.left > width * 0.35);
}

/**
 * The row's text from its first to its last character. Ink further away than
 * two line heights is not part of it: a paper edge or the strip of background
 * a rough flattening leaves at the sides (OCR reads it as one more «1»).
 */
function textSpan(
  mask: Uint8Array,
  width: number,
  row: { top: number; bottom: number },
): { left: number; right: number } {
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
  const band = await deskew(
    await cropGrey(image, {
      left: 0,
      top,
      width: image.width,
      height: Math.min(image.height, coarse.at(-1)!.bottom + margin) - top,
    }),
    4,
    0.25,
  );
  const chosen = wideTextRows(band).slice(-count);
  return Promise.all(
    chosen.map(async (row) => {
      const pad = Math.round((row.bottom - row.top) * 0.4);
      const left = Math.max(0, row.left - pad);
      const top = Math.max(0, row.top - pad);
      const region = {
        left,
        top,
        width: Math.min(band.width, row.right + pad) - left,
        height: Math.min(band.height, row.bottom + pad) - top,
      };
      return { ...row, png: await greyPng(await cropGrey(band, region)) };
    }),
  );
}

/** MRZ lines are long: length over thickness of a 30-character line is ≈ 20, of a 44-character one ≈ 30. */
const MRZ_LINE_ASPECT = 12;

const radians = (degrees: number) => (degrees * Math.PI) / 180;
/** Where a box lies along its own direction (a) and across it (n), measured from the origin. */
const along = (box: TextBox, angle = box.angle) => box.x * Math.cos(radians(angle)) + box.y * Math.sin(radians(angle));
const across = (box: TextBox, angle = box.angle) =>
  -box.x * Math.sin(radians(angle)) + box.y * Math.cos(radians(angle));

/**
 * Detected boxes joined into text rows: a detector splits a line where a run
 * of fillers or a security print leaves a gap; boxes on one line (same slope,
 * in line with each other) and a few line heights apart are one row.
 */
function rowsOf(boxes: readonly TextBox[]): TextBox[] {
  const rows: TextBox[] = [];
  for (const box of [...boxes].sort((a, b) => b.length - a.length)) {
    const i = rows.findIndex((row) => {
      const height = Math.max(row.thickness, box.thickness);
      const gap = Math.abs(along(box, row.angle) - along(row)) - (row.length + box.length) / 2;
      // Pieces of one line have its height: text beside it in another size (the card's other side) is not joined.
      const sameHeight = Math.abs(box.thickness - row.thickness) <= 0.3 * height;
      return (
        sameHeight &&
        Math.abs(box.angle - row.angle) <= 5 &&
        Math.abs(across(box, row.angle) - across(row)) <= 0.4 * height &&
        gap <= 5 * height
      );
    });
    if (i < 0) {
      rows.push({ ...box });
      continue;
    }
    // The joined row spans both; its slope is the longer part's.
    const row = rows[i]!;
    const [cos, sin] = [Math.cos(radians(row.angle)), Math.sin(radians(row.angle))];
    const ends = [row, box].flatMap((b) => [along(b, row.angle) - b.length / 2, along(b, row.angle) + b.length / 2]);
    const [start, end] = [Math.min(...ends), Math.max(...ends)];
    const middle = (start + end) / 2;
    const offset = across(row);
    rows[i] = {
      ...row,
      x: middle * cos - offset * sin,
      y: middle * sin + offset * cos,
      length: end - start,
      thickness: Math.max(row.thickness, box.thickness),
    };
  }
  return rows;
}

/**
 * Two rows of one MRZ: as thick, as slanted, starting together, the second
 * under the first. Lengths may differ — a detector drops a stretch of a line
 * now and then — but not wildly.
 */
function sameZone(a: TextBox, b: TextBox): boolean {
  const height = Math.max(a.thickness, b.thickness);
  const below = across(b, a.angle) - across(a);
  // ICAO line pitch is up to 2.5 character heights.
  return (
    Math.min(a.length, b.length) >= 0.4 * Math.max(a.length, b.length) &&
    Math.abs(a.thickness - b.thickness) <= 0.4 * height &&
    Math.abs(a.angle - b.angle) <= 3 &&
    Math.abs(along(b, a.angle) - b.length / 2 - (along(a) - a.length / 2)) <= 2 * height &&
    below > 0.5 * height &&
    below <= 3 * height
  );
}

/**
 * Runs of `count` long rows that could be an MRZ, longest first, from a text
 * detector's boxes: anywhere on the image, at any height, each at its own slope
 * (a photo's perspective leaves the lines of a page at different slants).
 * `guessMissing`: where no run of three is found, pairs with a third row placed
 * by the line pitch (for the kinds whose usual layout has three lines).
 */
export function detectedZones(boxes: readonly TextBox[], count: number, guessMissing = false): TextBox[][] {
  // Joined rows and the boxes as found: a join can also swallow text beside the MRZ
  // (the other side of a card scanned next to it).
  const rows = [...rowsOf(boxes), ...boxes].filter((row) => row.length >= MRZ_LINE_ASPECT * row.thickness);
  const zones: TextBox[][] = [];
  for (const first of rows) {
    const zone = [first];
    while (zone.length < count) {
      const last = zone.at(-1)!;
      const next = rows
        .filter((row) => sameZone(last, row))
        .sort((a, b) => across(a, last.angle) - across(b, last.angle))[0];
      if (!next) break;
      zone.push(next);
    }
    if (zone.length === count) zones.push(zone);
  }
  // A line the detector missed altogether (a TD1 card's first line clipped at the edge): two
  // rows, and a third where the line pitch says it would be, above or below them.
  if (count === 3 && guessMissing && zones.length === 0) {
    for (const first of rows) {
      const second = rows.find((row) => sameZone(first, row));
      if (!second) continue;
      const [dx, dy] = [second.x - first.x, second.y - first.y];
      zones.push(
        [{ ...first, x: first.x - dx, y: first.y - dy }, first, second],
        [first, second, { ...second, x: second.x + dx, y: second.y + dy }],
      );
    }
  }
  const shortest = (zone: TextBox[]) => Math.min(...zone.map((row) => row.length));
  const key = (zone: TextBox[]) => zone.map((row) => [row.x, row.y, row.length].map(Math.round).join(',')).join(' ');
  const unique = [...new Map(zones.map((zone) => [key(zone), zone])).values()];
  return unique.sort((a, b) => shortest(b) - shortest(a)).map(fullWidth);
}

/** Every line of an MRZ has as many characters: each row of a zone spans from the zone's first start to its last end. */
function fullWidth(zone: TextBox[]): TextBox[] {
  const angle = zone[0]!.angle;
  const [cos, sin] = [Math.cos(radians(angle)), Math.sin(radians(angle))];
  const start = Math.min(...zone.map((row) => along(row, angle) - row.length / 2));
  const end = Math.max(...zone.map((row) => along(row, angle) + row.length / 2));
  return zone.map((row) => {
    const middle = (start + end) / 2;
    const offset = across(row, angle);
    return { ...row, x: middle * cos - offset * sin, y: middle * sin + offset * cos, length: end - start };
  });
}

/** Boxes of an image as they lie after a half turn. */
export const turnBoxes = (boxes: readonly TextBox[], image: Grey): TextBox[] =>
  boxes.map((box) => ({ ...box, x: image.width - box.x, y: image.height - box.y }));

/**
 * A detected row, turned level, as a line image for the MRZ model: with two
 * characters' width beyond each end (a detector's box stops short of the
 * trailing fillers or a lone last digit; the paper's edge it may catch is
 * dropped by the line correction) and a quarter of its height above and
 * below, evenly lit; undefined where the row lies off the image.
 */
export async function rowCrop(image: Grey, row: TextBox): Promise<Buffer | undefined> {
  const [width, height] = [row.length + 2 * row.thickness, row.thickness * 1.5];
  // The square around the row, clipped to the image, turned level, then the row's own rectangle.
  const reach = Math.hypot(width, height) / 2 + 2;
  const left = Math.max(0, Math.floor(row.x - reach));
  const top = Math.max(0, Math.floor(row.y - reach));
  const region = {
    left,
    top,
    width: Math.min(image.width, Math.ceil(row.x + reach)) - left,
    height: Math.min(image.height, Math.ceil(row.y + reach)) - top,
  };
  // A row placed by the line pitch may lie off the image: nothing to read there.
  if (region.width < 8 || region.height < 8) return undefined;
  const square = await cropGrey(image, region);
  const level = await rotateGrey(square, -row.angle);
  // sharp turns about the centre and grows the canvas to hold the turned image.
  const [dx, dy] = [row.x - left - square.width / 2, row.y - top - square.height / 2];
  const [cos, sin] = [Math.cos(radians(-row.angle)), Math.sin(radians(-row.angle))];
  const cx = cos * dx - sin * dy + level.width / 2;
  const cy = sin * dx + cos * dy + level.height / 2;
  const x0 = Math.max(0, Math.round(cx - width / 2));
  const y0 = Math.max(0, Math.round(cy - height / 2));
  const cut = {
    left: x0,
    top: y0,
    width: Math.min(level.width, Math.round(cx + width / 2)) - x0,
    height: Math.min(level.height, Math.round(cy + height / 2)) - y0,
  };
  if (cut.width < 8 || cut.height < 8) return undefined;
  // Evenly lit: a shadow across the line would otherwise take its letters with it in OCR's threshold.
  const line = await cropGrey(level, cut);
  const lit = evenLightKeepingEdges(line, Math.max(2, Math.round(row.thickness / 3)));
  return greyPng(await atLineHeight(lit));
}
