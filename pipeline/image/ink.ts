// Shared image helpers for the reading stages: a single-channel image, and
// "ink" — pixels darker than their neighbourhood — which works under uneven
// light where one global threshold does not.

export interface GreyImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Calls `visit` for every `stride`-th pixel of every `stride`-th row that is
 * darker than the mean of its (2·radius+1)² neighbourhood by `contrast`. The
 * neighbourhood sums come from an integral image kept in 32 bits: it wraps on a
 * large image, but a window's sum is far below 2³², so the difference of four
 * corners taken modulo 2³² is exact.
 */
export function forEachInk(
  image: GreyImage,
  radius: number,
  contrast: number,
  stride: number,
  visit: (x: number, y: number) => void,
): void {
  const { width, height, data } = image;
  const integral = new Uint32Array((width + 1) * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += data[y * width + x]!;
      integral[(y + 1) * (width + 1) + x + 1] = integral[y * (width + 1) + x + 1]! + row;
    }
  }
  for (let y = 0; y < height; y += stride) {
    const y0 = Math.max(0, y - radius);
    const y1 = Math.min(height, y + radius + 1);
    for (let x = 0; x < width; x += stride) {
      const x0 = Math.max(0, x - radius);
      const x1 = Math.min(width, x + radius + 1);
      const sum =
        (integral[y1 * (width + 1) + x1]! -
          integral[y0 * (width + 1) + x1]! -
          integral[y1 * (width + 1) + x0]! +
          integral[y0 * (width + 1) + x0]!) >>>
        0;
      if (data[y * width + x]! < sum / ((y1 - y0) * (x1 - x0)) - contrast) visit(x, y);
    }
  }
}

/** 1 where a pixel is darker than the mean of its (2·radius+1)² neighbourhood by `contrast`. */
export function inkMask(image: GreyImage, radius: number, contrast: number): Uint8Array {
  const mask = new Uint8Array(image.width * image.height);
  forEachInk(image, radius, contrast, 1, (x, y) => (mask[y * image.width + x] = 1));
  return mask;
}

/** Otsu's threshold: the grey level that best splits the histogram in two. */
export function otsu(data: Uint8Array): number {
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
