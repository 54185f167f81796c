/**
 * Channel `c` of an interleaved image (`channels` per pixel) at (x, y),
 * bilinear. The caller keeps (x, y) inside [0, width − 1) × [0, height − 1).
 */
export function bilinear(
  data: ArrayLike<number>,
  width: number,
  channels: number,
  x: number,
  y: number,
  c = 0,
): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const p00 = (y0 * width + x0) * channels + c;
  const p10 = p00 + width * channels;
  return (
    (data[p00]! * (1 - fx) + data[p00 + channels]! * fx) * (1 - fy) +
    (data[p10]! * (1 - fx) + data[p10 + channels]! * fx) * fy
  );
}
