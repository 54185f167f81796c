// Normalisation: every upload becomes a list of upright 8-bit sRGB page
// rasters, whatever it came as (JPEG with an EXIF rotation, PNG with alpha,
// a PDF of scanned pages). Later stages read only these rasters.
import { PDFDocument } from 'pdf-lib';
import sharp, { type Sharp } from 'sharp';
import type { Raster, StageContext, StageVerdict, UploadedDocument } from '../types.ts';

/** Normalisation needs only the limits. */
export type NormalizeContext = Pick<StageContext, 'limits'>;
import { decodePdfImage, pageImages, UnsupportedPdfImage } from './pdf-images.ts';

/** Longer side cap: enough for 300 dpi A4 and phone photos, bounded memory. */
export const MAX_RASTER_SIDE = 4096;

export interface NormalizedPage {
  index: number;
  /** Where the pixels came from: jpeg, png, pdf-jpeg, pdf-raw. */
  source: string;
  /** EXIF orientation tag that was applied (1 = none). */
  orientation: number;
  original: { width: number; height: number };
  raster: Raster;
}

export type NormalizeResult = StageVerdict & { pages: NormalizedPage[] };

async function toRaster(input: Sharp): Promise<Raster> {
  const { data, info } = await input
    .autoOrient()
    .resize(MAX_RASTER_SIDE, MAX_RASTER_SIDE, { fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data };
}

async function normalizeImage(
  bytes: Buffer,
  source: string,
  index: number,
  ctx: NormalizeContext,
): Promise<NormalizedPage> {
  const options = { failOn: 'truncated', limitInputPixels: ctx.limits.maxPixels } as const;
  const meta = await sharp(bytes, options).metadata();
  return {
    index,
    source,
    orientation: meta.orientation ?? 1,
    original: { width: meta.autoOrient.width, height: meta.autoOrient.height },
    raster: await toRaster(sharp(bytes, options)),
  };
}

const failed = (
  reasonCode: NormalizeResult['reasonCode'],
  params: Record<string, string | number>,
): NormalizeResult => ({
  outcome: 'fail',
  reasonCode,
  params,
  details: params,
  pages: [],
});

async function normalizePdf(bytes: Buffer, ctx: NormalizeContext): Promise<NormalizeResult> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false, throwOnInvalidObject: false });
  const pages: NormalizedPage[] = [];
  for (const [index, images] of pageImages(pdf).entries()) {
    const page = index + 1;
    const largest = images[0];
    if (!largest) return failed('pdf_page_without_image', { page });
    const pixels = largest.width * largest.height;
    if (pixels > ctx.limits.maxPixels) return failed('pixel_limit_exceeded', { pixels, limit: ctx.limits.maxPixels });
    let decoded;
    try {
      decoded = decodePdfImage(largest, ctx.limits.maxPixels);
    } catch (error) {
      if (error instanceof UnsupportedPdfImage) return failed('pdf_image_unsupported', { page, filter: error.message });
      throw error;
    }
    if (decoded.kind === 'encoded') {
      pages.push(await normalizeImage(decoded.bytes, 'pdf-jpeg', index, ctx));
    } else {
      const { width, height, channels, pixels } = decoded;
      pages.push({
        index,
        source: 'pdf-raw',
        orientation: 1,
        original: { width, height },
        raster: await toRaster(
          sharp(pixels, { raw: { width, height, channels }, limitInputPixels: ctx.limits.maxPixels }),
        ),
      });
    }
  }
  return { outcome: 'pass', details: describe(pages), pages };
}

function describe(pages: NormalizedPage[]) {
  return {
    pageCount: pages.length,
    pages: pages.map(({ index, source, orientation, original, raster }) => ({
      index,
      source,
      orientation,
      original,
      width: raster.width,
      height: raster.height,
    })),
  };
}

export async function normalize(document: UploadedDocument, ctx: NormalizeContext): Promise<NormalizeResult> {
  try {
    if (document.contentType === 'application/pdf') return await normalizePdf(document.bytes, ctx);
    const source = document.contentType === 'image/png' ? 'png' : 'jpeg';
    const pages = [await normalizeImage(document.bytes, source, 0, ctx)];
    return { outcome: 'pass', details: describe(pages), pages };
  } catch (error) {
    return failed('image_decode_failed', { detail: error instanceof Error ? error.message : String(error) });
  }
}
