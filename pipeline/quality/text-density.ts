// How much the page looks like printed text: dark, character-sized blobs on a
// lighter background. A document page has hundreds; a portrait or a photo of a
// table has few. Used to tell "there is no document here".
import { forEachComponent } from '../image/components.ts';
import { inkMask, type GreyImage } from '../image/ink.ts';

/** Connected dark components whose box has the size and fill of a printed character. */
export function characterCount(image: GreyImage): number {
  const { width, height } = image;
  const mask = inkMask(image, 12, 25);
  let characters = 0;
  forEachComponent(mask, width, height, ({ minX, maxX, minY, maxY, area }) => {
    const [w, h] = [maxX - minX + 1, maxY - minY + 1];
    const fill = area / (w * h);
    if (h >= 5 && h <= 30 && w >= 2 && w <= 30 && fill > 0.15 && fill < 0.9) characters++;
  });
  return characters;
}
