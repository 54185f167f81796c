// Preparing a form's text for OCR: even illumination, ruled lines erased, one
// line's band of ink.
import sharp from 'sharp';
import { oneChannel, type Grey } from './grey.ts';

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
  return dividedByPaper(image, background.data);
}

/** Each pixel over the paper's brightness at it, white at 255 (a paper darker than 32 counts as 32: no noise blown up). */
function dividedByPaper(image: Grey, paper: Uint8Array): Grey {
  const out = Buffer.alloc(image.data.length);
  for (let i = 0; i < out.length; i++)
    out[i] = Math.min(255, Math.round((255 * image.data[i]!) / Math.max(32, paper[i]!)));
  return { ...image, data: out };
}

/**
 * The brightest (or darkest) value of every window of 2·radius+1 pixels along a
 * line of `n` pixels (van Herk–Gil-Werman: three comparisons a pixel, whatever
 * the window). Beyond the ends the line goes on with values that never win.
 */
function slideExtreme(data: Uint8Array, start: number, step: number, n: number, radius: number, max: boolean) {
  const size = 2 * radius + 1;
  const length = Math.ceil((n + 2 * radius) / size) * size;
  const pick = max ? Math.max : Math.min;
  const at = (j: number) => (j < radius || j >= n + radius ? (max ? 0 : 255) : data[start + (j - radius) * step]!);
  const [ahead, behind] = [new Uint8Array(length), new Uint8Array(length)];
  for (let j = 0; j < length; j++) ahead[j] = j % size === 0 ? at(j) : pick(ahead[j - 1]!, at(j));
  for (let j = length - 1; j >= 0; j--) behind[j] = j % size === size - 1 ? at(j) : pick(behind[j + 1]!, at(j));
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = pick(behind[i]!, ahead[i + 2 * radius]!);
  return out;
}

/** Max (dilation) or min (erosion) over squares of 2·radius+1 pixels: rows first, then columns. */
function squareExtreme({ width, height, data }: Grey, radius: number, max: boolean): Buffer {
  const rows = Buffer.alloc(data.length);
  for (let y = 0; y < height; y++) rows.set(slideExtreme(data, y * width, 1, width, radius, max), y * width);
  const out = Buffer.alloc(data.length);
  for (let x = 0; x < width; x++) {
    const column = slideExtreme(rows, x, width, height, radius, max);
    for (let y = 0; y < height; y++) out[y * width + x] = column[y]!;
  }
  return out;
}

/**
 * Even illumination that keeps a shadow's edge where it is: each pixel divided
 * by the paper's brightness around it, taken as a closing (the brightest value
 * of a square wider than a stroke, then the darkest of those). Letters vanish
 * from the closing; a step in the light stays sharp. evenLight's blurred block
 * maxima spread such a step across the letters beside it, which then read as
 * ink or blank. For line crops, where `radius` is a third of the line's height.
 */
export function evenLightKeepingEdges(image: Grey, radius: number): Grey {
  return dividedByPaper(image, squareExtreme({ ...image, data: squareExtreme(image, radius, true) }, radius, false));
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
