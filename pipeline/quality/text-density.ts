// How much the page looks like printed text: dark, character-sized blobs on a
// lighter background. A document page has hundreds; a portrait or a photo of a
// table has few. Used to tell "there is no document here".
import { inkMask, type GreyImage } from '../image/ink.ts';

/** Connected dark components whose box has the size and fill of a printed character. */
export function characterCount(image: GreyImage): number {
  const { width, height } = image;
  const mask = inkMask(image, 12, 25);
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
