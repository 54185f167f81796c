// Connected components of a binary mask (4-connected), with the box, area and
// the extreme points along both diagonals — a quadrilateral's corners when the
// component is a photographed sheet of paper.

export interface Point {
  x: number;
  y: number;
}

export interface Component {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
  area: number;
  /** Extremes of x+y and x−y: top-left, top-right, bottom-right, bottom-left. */
  corners: [Point, Point, Point, Point];
  /** Sums of x, y, x², y², xy over the pixels: centre and orientation of an elongated component (a text line). */
  moments: { x: number; y: number; xx: number; yy: number; xy: number };
}

/** Calls `visit` for every component of pixels equal to 1; the mask is consumed (set to 2). */
export function forEachComponent(
  mask: Uint8Array,
  width: number,
  height: number,
  visit: (component: Component) => void,
): void {
  const stack: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] !== 1) continue;
    const c = { minX: width, maxX: 0, minY: height, maxY: 0, area: 0 };
    const moments = { x: 0, y: 0, xx: 0, yy: 0, xy: 0 };
    const best = { tl: Infinity, br: -Infinity, tr: -Infinity, bl: Infinity };
    const corners: Point[] = [
      { x: 0, y: 0 },
      { x: 0, y: 0 },
      { x: 0, y: 0 },
      { x: 0, y: 0 },
    ];
    mask[start] = 2;
    stack.push(start);
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % width;
      const y = (i - x) / width;
      c.area++;
      moments.x += x;
      moments.y += y;
      moments.xx += x * x;
      moments.yy += y * y;
      moments.xy += x * y;
      if (x < c.minX) c.minX = x;
      if (x > c.maxX) c.maxX = x;
      if (y < c.minY) c.minY = y;
      if (y > c.maxY) c.maxY = y;
      if (x + y < best.tl) [best.tl, corners[0]] = [x + y, { x, y }];
      if (x - y > best.tr) [best.tr, corners[1]] = [x - y, { x, y }];
      if (x + y > best.br) [best.br, corners[2]] = [x + y, { x, y }];
      if (x - y < best.bl) [best.bl, corners[3]] = [x - y, { x, y }];
      for (const next of [
        x > 0 ? i - 1 : -1,
        x < width - 1 ? i + 1 : -1,
        y > 0 ? i - width : -1,
        y < height - 1 ? i + width : -1,
      ]) {
        if (next >= 0 && mask[next] === 1) {
          mask[next] = 2;
          stack.push(next);
        }
      }
    }
    visit({ ...c, corners: corners as Component['corners'], moments });
  }
}
