// How much the page looks like printed text, and how large that text is:
// dark, character-sized blobs on a lighter background. A document page has
// hundreds; a portrait or a photo of a table has few. Their height, taken back
// to the upload's own pixels, is the resolution that matters for reading — not
// the size of the file's canvas.
import { forEachComponent } from '../image/components.ts';
import { inkMask, type GreyImage } from '../image/ink.ts';

export interface TextMeasure {
  /** Connected dark components whose box has the size and fill of a printed character. */
  characters: number;
  /** Their median height, in the measured image's pixels (0 without any). */
  medianHeight: number;
}

export function measureText(image: GreyImage): TextMeasure {
  const { width, height } = image;
  const mask = inkMask(image, 12, 25);
  const heights: number[] = [];
  forEachComponent(mask, width, height, ({ minX, maxX, minY, maxY, area }) => {
    const [w, h] = [maxX - minX + 1, maxY - minY + 1];
    const fill = area / (w * h);
    if (h < 5 || h > 30 || w < 2 || w > 30 || fill <= 0.15 || fill >= 0.9) return;
    heights.push(h);
  });
  heights.sort((a, b) => a - b);
  return { characters: heights.length, medianHeight: heights[Math.floor(heights.length / 2)] ?? 0 };
}
