// Quality gate: is this page good enough to read? Each measure has its own
// reason code, so the portal can tell the applicant what to fix («изображение
// нечёткое», «блики на документе», …) instead of rejecting them. Thresholds are
// calibrated on the fixture corpus; the README's table shows the margins.
import sharp from 'sharp';
import type { ReasonCode } from '../../core/reasons.ts';
import type { NormalizedPage } from '../normalize/index.ts';
import type { StageVerdict } from '../types.ts';
import type { GreyImage } from '../image/ink.ts';
import { characterCount } from './text-density.ts';

/** Measures are taken at this size (longer side), so they compare across resolutions. */
const WORKING_SIDE = 1000;

export interface QualityMeasures {
  /** Longer side of the page as uploaded, in pixels. */
  longSidePx: number;
  /** Variance of the Laplacian at working size: edges of print are sharp. */
  sharpness: number;
  medianLuminance: number;
  /** Share of pixels darker than 60 of 255. */
  darkShare: number;
  /** Share of clipped pixels (all channels ≥ 254): light reflected off the laminate. */
  glareShare: number;
  /** Character-sized dark blobs at working size. */
  characters: number;
}

interface QualityRule {
  reasonCode: ReasonCode;
  fails(measures: QualityMeasures): boolean;
}

/** In order: the first rule a page fails is the reason given. */
export const QUALITY_RULES: readonly QualityRule[] = [
  { reasonCode: 'resolution_too_low', fails: (m) => m.longSidePx < 800 },
  { reasonCode: 'image_blurred', fails: (m) => m.sharpness < 60 },
  { reasonCode: 'image_too_dark', fails: (m) => m.medianLuminance < 80 || m.darkShare > 0.3 },
  { reasonCode: 'glare_detected', fails: (m) => m.glareShare > 0.04 },
  { reasonCode: 'document_not_found', fails: (m) => m.characters < 150 },
];

export async function measurePage(page: NormalizedPage): Promise<QualityMeasures> {
  const { width, height, data } = page.raster;
  let clipped = 0;
  let dark = 0;
  const histogram = new Uint32Array(256);
  for (let i = 0; i < data.length; i += 3) {
    const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
    if (r >= 254 && g >= 254 && b >= 254) clipped++;
    const luminance = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    if (luminance < 60) dark++;
    histogram[luminance]!++;
  }
  const pixels = width * height;
  let median = 0;
  for (let seen = 0; median < 255 && seen + histogram[median]! < pixels / 2; median++) seen += histogram[median]!;

  const scale = WORKING_SIDE / Math.max(width, height);
  const grey = await sharp(data, { raw: { width, height, channels: 3 } })
    .resize(Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)))
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const image: GreyImage = { width: grey.info.width, height: grey.info.height, data: grey.data };
  return {
    longSidePx: Math.max(page.original.width, page.original.height),
    sharpness: Math.round(laplacianVariance(image)),
    medianLuminance: median,
    darkShare: round(dark / pixels),
    glareShare: round(clipped / pixels),
    characters: characterCount(image),
  };
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
      return { index: page.index, measures, failed: QUALITY_RULES.filter((rule) => rule.fails(measures)).map((rule) => rule.reasonCode) };
    }),
  );
  const readablePages = assessed.filter((page) => page.failed.length === 0).map((page) => page.index);
  const details = { pages: assessed };
  if (readablePages.length > 0) return { outcome: 'pass', details, readablePages };
  return { outcome: 'fail', reasonCode: assessed[0]!.failed[0], details, readablePages };
}
