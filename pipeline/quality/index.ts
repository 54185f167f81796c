// Quality gate: is this page good enough to read? Each measure has its own
// reason code, so the portal can tell the applicant what to fix («изображение
// нечёткое», «блики на документе», …) instead of rejecting them. The measures
// judge readability: resolution is the height of the page's text in the
// upload's pixels, glare is a clipped spot that washes text out (white paper
// and white backgrounds are not glare). Thresholds are calibrated on the real
// documents and checked on the fixture corpus; the README's table shows both.
import sharp from 'sharp';
import type { ReasonCode } from '../../core/reasons.ts';
import type { NormalizedPage } from '../normalize/index.ts';
import type { StageVerdict } from '../types.ts';
import type { GreyImage } from '../image/ink.ts';
import { forEachComponent } from '../image/components.ts';
import { measureText } from './text-density.ts';

/** Measures are taken at this size (longer side), so they compare across resolutions. */
const WORKING_SIDE = 1000;

export interface QualityMeasures {
  /** Median height of the page's characters in the upload's own pixels. */
  textHeightPx: number;
  /** Variance of the Laplacian at working size, or the upload's own size when smaller: edges of print are sharp. */
  sharpness: number;
  medianLuminance: number;
  /** Share of pixels darker than 60 of 255. */
  darkShare: number;
  /** Share of the page under glare spots: clipped patches inside the image with no ink left in them. */
  glareShare: number;
  /** Character-sized dark blobs at working size. */
  characters: number;
}

/** Characters lower than this (upload px) do not read: 30-dpi fixtures measure ≈ 2.5, the smallest real specimen scans that read 4.1–4.8. */
const MIN_TEXT_HEIGHT = 3.5;
/** Glare spots covering more than this share of the page wash out a line of text. */
const MAX_GLARE = 0.02;
/** A clipped patch smaller than this share of the page is a reflection off a single letter, not a spot. */
const MIN_SPOT = 0.002;

interface QualityRule {
  reasonCode: ReasonCode;
  fails(measures: QualityMeasures): boolean;
}

/** In order: the first rule a page fails is the reason given. */
export const QUALITY_RULES: readonly QualityRule[] = [
  { reasonCode: 'resolution_too_low', fails: (m) => m.textHeightPx < MIN_TEXT_HEIGHT },
  { reasonCode: 'image_blurred', fails: (m) => m.sharpness < 60 },
  { reasonCode: 'image_too_dark', fails: (m) => m.medianLuminance < 80 || m.darkShare > 0.3 },
  { reasonCode: 'glare_detected', fails: (m) => m.glareShare > MAX_GLARE },
  { reasonCode: 'document_not_found', fails: (m) => m.characters < 150 },
];

export async function measurePage(page: NormalizedPage): Promise<QualityMeasures> {
  const { width, height, data } = page.raster;
  const greyAt = async (scale: number): Promise<GreyImage> => {
    const grey = await sharp(data, { raw: { width, height, channels: 3 } })
      .resize(Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)))
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { width: grey.info.width, height: grey.info.height, data: grey.data };
  };
  const scale = WORKING_SIDE / Math.max(width, height);
  const image = await greyAt(scale);
  // Sharpness where the pixels are the upload's own: scaling a small sharp scan up blurs it.
  const native = scale < 1 ? image : await greyAt(1);
  const text = measureText(image);
  const light = lightness(image);
  return {
    textHeightPx: round(
      (text.medianHeight * Math.max(page.original.width, page.original.height)) / Math.max(image.width, image.height),
    ),
    sharpness: Math.round(laplacianVariance(native)),
    medianLuminance: light.median,
    darkShare: round(light.darkShare),
    glareShare: round(glareShare(image)),
    characters: text.characters,
  };
}

/**
 * Median grey and share of dark pixels over the whole image. (Measured where the
 * text is, a hard shadow hid its own text from the measure and the page passed:
 * a dark desk around a lit page still counts — reading decides on MRZ documents.)
 */
function lightness(image: GreyImage): { median: number; darkShare: number } {
  const histogram = new Uint32Array(256);
  for (const value of image.data) histogram[value]!++;
  const pixels = image.data.length;
  let median = 0;
  for (let seen = 0; median < 255 && seen + histogram[median]! < pixels / 2; median++) seen += histogram[median]!;
  const dark = histogram.slice(0, 60).reduce((sum, n) => sum + n, 0);
  return { median, darkShare: dark / pixels };
}

/**
 * Glare: clipped patches (≥ 254) that do not touch the image's edge — a white
 * background or the white margin of a scan does — are compact (a strip of
 * white between a card's two sides is not a spot) and hold no ink: a patch of
 * white paper with its text still on it is paper, a spot that washed the text
 * out is glare.
 */
function glareShare({ width, height, data }: GreyImage): number {
  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i++) mask[i] = data[i]! >= 254 ? 1 : 0;
  let glare = 0;
  forEachComponent(mask, width, height, ({ minX, maxX, minY, maxY, area }) => {
    const [w, h] = [maxX - minX + 1, maxY - minY + 1];
    if (area < MIN_SPOT * width * height || minX === 0 || minY === 0 || maxX === width - 1 || maxY === height - 1)
      return;
    if (Math.max(w, h) > 3 * Math.min(w, h)) return;
    // Ink in the middle of the patch (its box's corners lie outside a round spot).
    let ink = 0;
    const [x0, x1, y0, y1] = [minX + w / 4, maxX - w / 4, minY + h / 4, maxY - h / 4];
    for (let y = Math.ceil(y0); y <= y1; y++)
      for (let x = Math.ceil(x0); x <= x1; x++) if (data[y * width + x]! < 100) ink++;
    if (ink < 0.01 * (w / 2) * (h / 2)) glare += area;
  });
  return glare / (width * height);
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;

function laplacianVariance({ width, height, data }: GreyImage): number {
  let sum = 0;
  let squares = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const value = data[i - 1]! + data[i + 1]! + data[i - width]! + data[i + width]! - 4 * data[i]!;
      sum += value;
      squares += value * value;
      n++;
    }
  }
  return n ? squares / n - (sum / n) ** 2 : 0;
}

/** A document passes when its best page does (the other side of a card may be blank). */
export async function assessQuality(pages: NormalizedPage[]): Promise<StageVerdict & { readablePages: number[] }> {
  const assessed = await Promise.all(
    pages.map(async (page) => {
      const measures = await measurePage(page);
      return {
        index: page.index,
        measures,
        failed: QUALITY_RULES.filter((rule) => rule.fails(measures)).map((rule) => rule.reasonCode),
      };
    }),
  );
  const readablePages = assessed.filter((page) => page.failed.length === 0).map((page) => page.index);
  const details = { pages: assessed };
  if (readablePages.length > 0) return { outcome: 'pass', details, readablePages };
  return { outcome: 'fail', reasonCode: assessed[0]!.failed[0], details, readablePages };
}
