// Grey images (one byte per pixel) and the sharp operations the reading stages
// apply to them: rotate, crop, resize, two-tone, half a turn.
import sharp, { type Sharp } from 'sharp';
import type { Raster } from '../types.ts';
import { otsu, type GreyImage } from './ink.ts';

export type Grey = GreyImage & { data: Buffer };

export async function greyOf(raster: Raster): Promise<Grey> {
  const data = await sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 3 } })
    .greyscale()
    .raw()
    .toBuffer();
  return { width: raster.width, height: raster.height, data };
}

const rawGrey = (image: Grey) => sharp(image.data, { raw: { width: image.width, height: image.height, channels: 1 } });

/** Operations with a colour background return RGB(A): keep one channel. */
export async function oneChannel(pipeline: Sharp): Promise<Grey> {
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  if (info.channels === 1) return { width: info.width, height: info.height, data };
  const grey = await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels as 3 | 4 } })
    .extractChannel(0)
    .raw()
    .toBuffer();
  return { width: info.width, height: info.height, data: grey };
}

export const greyPng = (image: Grey) => rawGrey(image).png().toBuffer();
export const rotateGrey = async (image: Grey, degrees: number) =>
  degrees === 0 ? image : oneChannel(rawGrey(image).rotate(degrees, { background: '#ffffff' }));
export const cropGrey = (image: Grey, region: { left: number; top: number; width: number; height: number }) =>
  oneChannel(rawGrey(image).extract(region));
export const resizeGrey = (image: Grey, side: number) => {
  const scale = side / Math.max(image.width, image.height);
  return oneChannel(rawGrey(image).resize(Math.round(image.width * scale), Math.round(image.height * scale)));
};
/**
 * Black text on white, split at Otsu's level, with a white margin: Tesseract's
 * line recogniser misreads anti-aliased monospaced digits («21.11.1973» →
 * «21081191197.3») that it reads at any size once they are two-tone.
 */
export async function twoTone(image: Grey, margin: number): Promise<Grey> {
  const level = otsu(image.data);
  const data = Buffer.from(image.data.map((value) => (value > level ? 255 : 0)));
  return oneChannel(
    rawGrey({ ...image, data }).extend({
      top: margin,
      bottom: margin,
      left: margin,
      right: margin,
      background: '#ffffff',
    }),
  );
}
/** Half a turn: the pixels in reverse order. */
export const turn180 = (image: Grey): Grey => ({ ...image, data: Buffer.from(image.data).reverse() });

export async function greyAt(raster: Raster, side: number): Promise<Grey> {
  const scale = side / Math.max(raster.width, raster.height);
  return oneChannel(
    sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 3 } })
      .resize(Math.round(raster.width * scale), Math.round(raster.height * scale))
      .greyscale(),
  );
}
