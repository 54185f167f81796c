// How much the page looks like printed text: dark, character-sized blobs on a
// lighter background. A document page has hundreds; a portrait or a photo of a
// table has few. Used to tell "there is no document here".

export interface GreyImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Pixels darker than their neighbourhood by `contrast`, as a 0/1 mask (local mean via an integral image). */
function darkerThanSurroundings(image: GreyImage, radius: number, contrast: number): Uint8Array {
  const { width, height, data } = image;
  const integral = new Float64Array((width + 1) * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += data[y * width + x]!;
      integral[(y + 1) * (width + 1) + x + 1] = integral[y * (width + 1) + x + 1]! + row;
    }
  }
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - radius);
    const y1 = Math.min(height, y + radius + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - radius);
      const x1 = Math.min(width, x + radius + 1);
      const sum =
        integral[y1 * (width + 1) + x1]! - integral[y0 * (width + 1) + x1]! - integral[y1 * (width + 1) + x0]! + integral[y0 * (width + 1) + x0]!;
      const mean = sum / ((y1 - y0) * (x1 - x0));
      mask[y * width + x] = data[y * width + x]! < mean - contrast ? 1 : 0;
    }
  }
  return mask;
}

/** Connected dark components whose box has the size and fill of a printed character. */
export function characterCount(image: GreyImage): number {
  const { width, height } = image;
  const mask = darkerThanSurroundings(image, 12, 25);
  const stack: number[] = [];
  let characters = 0;
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] !== 1) continue;
    let [minX, maxX, minY, maxY, area] = [width, 0, height, 0, 0];
    mask[start] = 2;
    stack.push(start);
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % width;
      const y = (i - x) / width;
      area++;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
      for (const next of [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, y > 0 ? i - width : -1, y < height - 1 ? i + width : -1]) {
        if (next >= 0 && mask[next] === 1) {
          mask[next] = 2;
          stack.push(next);
        }
      }
    }
    const [w, h] = [maxX - minX + 1, maxY - minY + 1];
    const fill = area / (w * h);
    if (h >= 5 && h <= 30 && w >= 2 && w <= 30 && fill > 0.15 && fill < 0.9) characters++;
  }
  return characters;
}
