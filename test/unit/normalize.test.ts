import { PDFDocument, PDFName } from 'pdf-lib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { MAX_RASTER_SIDE, normalize } from '../../pipeline/normalize/index.ts';
import { decodePdfImage, pageImages } from '../../pipeline/normalize/pdf-images.ts';
import { type NormalizeContext } from '../../pipeline/normalize/index.ts';
import * as files from '../helpers/files.ts';

const ctx: NormalizeContext = { limits: { maxPixels: 50_000_000, maxPdfPages: 10 } };

/** Mean of the red channel in a corner of the raster: the marker square is dark. */
function cornerMean(
  raster: { width: number; height: number; data: Buffer },
  corner: 'tl' | 'tr' | 'bl' | 'br',
): number {
  const size = 10;
  const x0 = corner.endsWith('l') ? 2 : raster.width - size - 2;
  const y0 = corner.startsWith('t') ? 2 : raster.height - size - 2;
  let sum = 0;
  for (let y = y0; y < y0 + size; y++)
    for (let x = x0; x < x0 + size; x++) sum += raster.data[(y * raster.width + x) * 3]!;
  return sum / (size * size);
}

describe('normalisation', () => {
  it('applies EXIF orientation to the pixels, not just the size', async () => {
    // Orientation 6: the stored image must be turned 90° clockwise to be upright,
    // so the dark top-left marker ends up top-right.
    const result = await normalize(
      { kind: 'passport', contentType: 'image/jpeg', bytes: await files.jpeg(600, 400, { orientation: 6 }) },
      ctx,
    );
    expect(result.outcome).toBe('pass');
    const [page] = result.pages;
    expect([page!.raster.width, page!.raster.height, page!.orientation]).toEqual([400, 600, 6]);
    expect(cornerMean(page!.raster, 'tr')).toBeLessThan(60);
    expect(cornerMean(page!.raster, 'tl')).toBeGreaterThan(150);
  });

  it('flattens PNG transparency onto white and outputs 3-channel sRGB', async () => {
    const transparent = await sharp({
      create: { width: 50, height: 40, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    const result = await normalize({ kind: 'selfie', contentType: 'image/png', bytes: transparent }, ctx);
    const { raster } = result.pages[0]!;
    expect([raster.channels, raster.data.length]).toEqual([3, 50 * 40 * 3]);
    expect(raster.data.every((v) => v === 255)).toBe(true);
  });

  it('caps the raster size', async () => {
    const result = await normalize(
      { kind: 'passport', contentType: 'image/jpeg', bytes: await files.jpeg(5000, 1000) },
      ctx,
    );
    expect(result.details.pages).toMatchObject([
      { width: MAX_RASTER_SIDE, height: 819, original: { width: 5000, height: 1000 } },
    ]);
  });

  it('decodes JPEG and deflated pages of a PDF to the same pixels as the originals', async () => {
    const original = await files.png(120, 90);
    const scan = await files.pdf([
      { image: { format: 'png', bytes: original } },
      { image: { format: 'jpeg', bytes: await files.jpeg(300, 200) } },
    ]);
    const result = await normalize({ kind: 'passport', contentType: 'application/pdf', bytes: scan }, ctx);
    expect(result.outcome).toBe('pass');
    expect(result.pages.map((p) => p.source)).toEqual(['pdf-raw', 'pdf-jpeg']);
    const expected = await sharp(original).removeAlpha().raw().toBuffer();
    expect(result.pages[0]!.raster.data.equals(expected)).toBe(true);
  });

  it('reverses PNG predictors in deflated PDF images', async () => {
    // Rows of 2 RGB pixels, filters Sub (1) and Up (2); expected pixels are known.
    const rows = Buffer.from([1, 10, 20, 30, 5, 5, 5, 2, 1, 1, 1, 1, 1, 1]);
    const doc = await PDFDocument.create();
    const page = doc.addPage([10, 10]);
    const stream = doc.context.flateStream(rows, {
      Type: 'XObject',
      Subtype: 'Image',
      Width: 2,
      Height: 2,
      BitsPerComponent: 8,
      ColorSpace: 'DeviceRGB',
      DecodeParms: { Predictor: 15, Colors: 3, Columns: 2 },
    });
    // flateStream compresses the rows already; the dictionary above says how to read them.
    page.node.setXObject(PDFName.of('Im1'), doc.context.register(stream));
    const image = pageImages(await PDFDocument.load(await doc.save()))[0]?.[0];
    expect(image!.predictor).toEqual({ predictor: 15, colors: 3, columns: 2 });
    const decoded = decodePdfImage(image!, 100);
    expect(decoded.kind === 'raw' && [...decoded.pixels]).toEqual([10, 20, 30, 15, 25, 35, 11, 21, 31, 16, 26, 36]);
  });

  it('fails with a reason when a PDF page has no image', async () => {
    const textOnly = await normalize(
      { kind: 'passport', contentType: 'application/pdf', bytes: await files.pdf([{}]) },
      ctx,
    );
    expect([textOnly.outcome, textOnly.reasonCode, textOnly.details.page]).toEqual([
      'fail',
      'pdf_page_without_image',
      1,
    ]);
  });

  it('refuses images beyond the pixel limit inside PDFs too', async () => {
    const scan = await files.pdf([{ image: { format: 'jpeg', bytes: await files.jpeg(800, 600) } }]);
    const result = await normalize(
      { kind: 'passport', contentType: 'application/pdf', bytes: scan },
      { ...ctx, limits: { maxPixels: 1000, maxPdfPages: 10 } },
    );
    expect([result.outcome, result.reasonCode, result.details.pixels]).toEqual([
      'fail',
      'pixel_limit_exceeded',
      480_000,
    ]);
  });
});
