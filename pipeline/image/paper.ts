// Finding the document in a photo: the sheet of paper is the largest bright,
// colourless region; its four corners give a homography that maps it back to
// a flat rectangle — perspective, rotation and the background gone at once.
// A flatbed scan is paper edge to edge: there the page itself is the document.
import sharp from 'sharp';
import type { Raster } from '../types.ts';
import { forEachComponent, type Component, type Point } from './components.ts';
import { greyOf, type Grey } from './grey.ts';
import { bilinear } from './sample.ts';

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
      const inside = x >= 0 && y >= 0 && Math.floor(x) < sw - 1 && Math.floor(y) < sh - 1;
      out[v * width + u] = inside ? bilinear(data, sw, 1, x, y) : 255;
    }
  }
  return { width, height, data: out };
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
