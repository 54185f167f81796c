// Reading a form's printed fields off its pages: the page OCR'd once, each
// field found by its label (forms/index.ts), and every value it missed or
// doubted read again on its own — cut out, at several sizes, a typed value by
// the OCR-B model too. The passport's printed zone and the migration card both
// read through here.
import { feeding } from '../../core/feeding.ts';
import type { Box, OcrLine } from '../../models/tesseract.ts';
import { eraseRules, evenLight, inkBand } from '../image/cleanup.ts';
import { cropGrey, greyPng, resizeGrey, turn180, twoTone, type Grey } from '../image/grey.ts';
import { uprightDocument } from '../image/upright.ts';
import type { PageView } from '../mrz/index.ts';
import { atLineHeight } from '../mrz/locate.ts';
import type { NormalizedPage } from '../normalize/index.ts';
import { sameUpToLookalikes } from '../ocr/lookalikes.ts';
import type { StageContext } from '../types.ts';
import {
  bestValues,
  fuseReadings,
  labelHits,
  locateFields,
  parse,
  type FieldReading,
  type FieldRule,
  type FieldSlot,
  type FormReading,
} from './index.ts';

export type TextOcr = Pick<StageContext['ocr'], 'latin' | 'cyrillic' | 'mrzLine'>;

/** Values read with less confidence than this on the page are read again, cut out, with their charset. */
const REREAD_BELOW = 0.8;

const padded = (image: Grey, box: Box, pad: number) => {
  const left = Math.max(0, Math.round(box.left - pad));
  const top = Math.max(0, Math.round(box.top - pad));
  return cropGrey(image, {
    left,
    top,
    width: Math.min(image.width, Math.round(box.right + pad)) - left,
    height: Math.min(image.height, Math.round(box.bottom + pad)) - top,
  });
};

/**
 * Scales a lone value is tried at: Tesseract's line recogniser is touchy about
 * glyph height (a monospaced date read at 0 % confidence at one size reads at
 * 95 % at three quarters of it).
 */
const REREAD_SCALES = [1, 0.75, 1.35];

/**
 * A typed value read by the MRZ (OCR-B) model and fused with the page's reading.
 * Two models that agree up to look-alikes make the value as sure as the surer of
 * them; disagreeing, as the less sure.
 */
async function readTyped(crop: Grey, band: Box, slot: FieldSlot, ocr: TextOcr): Promise<FieldReading | undefined> {
  // Sized as the MRZ lines the model reads at working size (the band holds the glyphs and 40 % margins).
  const sized = await atLineHeight(crop);
  const line = await ocr.mrzLine(await greyPng(await twoTone(sized, 0)));
  const ocrB = slot.rule.parse(line.text);
  if (!ocrB) return undefined;
  const page = slot.value;
  const value = page ? slot.rule.parse(fuseReadings(page.value, ocrB)) : ocrB;
  if (!value) return undefined;
  const [own, other] = [line.confidence / 100, page?.confidence ?? 0];
  const confidence = page && sameUpToLookalikes(page.value, ocrB) ? Math.max(own, other) : Math.min(own, other);
  return { value, confidence, text: `${page?.text ?? ''} | ${line.text}`, box: band };
}

/**
 * A value the page OCR missed or doubted, read again on its own as one line of
 * its own characters, at several sizes. A sure reading ends the search; among
 * unsure ones a whole one wins, then the value read most often, then the surest.
 * A typed value is always read again by the OCR-B model first.
 */
async function reread(image: Grey, slot: FieldSlot, ocr: TextOcr): Promise<FieldSlot> {
  const sure = slot.value !== undefined && slot.value.confidence >= REREAD_BELOW;
  if (sure && !slot.rule.typed) return slot;
  const band = inkBand(image, slot.value?.box ?? slot.region);
  if (!band) return slot;
  const crop = await cropGrey(image, {
    left: band.left,
    top: band.top,
    width: band.right - band.left,
    height: band.bottom - band.top,
  });
  if (slot.rule.typed) {
    const typed = await readTyped(crop, band, slot, ocr);
    if (typed) return { ...slot, value: typed };
    if (sure) return slot;
  }
  const readings: FieldReading[] = slot.value ? [slot.value] : [];
  for (const scale of REREAD_SCALES) {
    const sized = scale === 1 ? crop : await resizeGrey(crop, Math.round(Math.max(crop.width, crop.height) * scale));
    const [line] = await ocr.latin(await greyPng(await twoTone(sized, Math.round(sized.height * 0.5))), {
      layout: 'line',
      charset: slot.rule.charset,
    });
    const value = line && slot.rule.parse(line.text);
    if (!value) continue;
    const reading = { value, confidence: line.confidence / 100, text: line.text, box: band };
    if (reading.confidence >= REREAD_BELOW) return { ...slot, value: reading };
    readings.push(reading);
  }
  // A bilingual value's Latin half (printed last) is what the votes count: read in Latin, its Cyrillic half is noise.
  const key = (value: string) => (slot.rule.bilingual ? value.split('/').at(-1)!.trim() : value);
  const votes = (value: string) => readings.filter((r) => key(r.value) === key(value)).length;
  // «САФАРОВ / SAFAROV» read without its slash is one garbled name, whatever the votes.
  const whole = (value: string) => Number(!slot.rule.bilingual || value.includes('/'));
  const best = readings.sort(
    (a, b) => whole(b.value) - whole(a.value) || votes(b.value) - votes(a.value) || b.confidence - a.confidence,
  )[0];
  return best ? { ...slot, value: best } : slot;
}

/** «КОДИРОВ / QODIROV» read in Latin has a garbled first half: read that half again in Cyrillic. */
async function readCyrillicHalf(image: Grey, reading: FieldReading, ocr: TextOcr): Promise<FieldReading> {
  const [, latin] = reading.value.split('/');
  if (latin === undefined) return reading;
  const crop = await padded(image, reading.box, (reading.box.bottom - reading.box.top) * 0.3);
  // The value's own line: the crop may catch the foot of the label above it.
  const lines = await ocr.cyrillic(await greyPng(crop));
  const cyrillic =
    (lines.find((line) => line.text.includes('/')) ?? lines.sort((a, b) => b.text.length - a.text.length)[0])?.text ??
    '';
  const half = parse.name(cyrillic.split('/')[0] ?? '');
  return half ? { ...reading, value: `${half} / ${latin.trim()}`, text: `${cyrillic} | ${reading.text}` } : reading;
}

/** Bands lower than this are not cut from a page: about three lines of print at working size. */
const MIN_BAND = 80;

/** Ink darker than this, on a page whose light was evened out, is what a cut must not go through. */
const INK = 150;

/** The row of the page's middle fifth that crosses least ink (the middle of the longest such run): a gap between lines. */
function quietRow({ width, height, data }: Grey): number {
  const inkOf = (y: number) => {
    let ink = 0;
    for (let x = 0; x < width; x++) if (data[y * width + x]! < INK) ink++;
    return ink;
  };
  const rows = Array.from({ length: Math.round(height * 0.2) }, (_, i) => Math.round(height * 0.4) + i);
  const inks = rows.map(inkOf);
  const least = Math.min(...inks);
  let [best, run] = [
    { start: Math.round(height / 2), length: 0 },
    { start: 0, length: 0 },
  ];
  rows.forEach((y, i) => {
    run = inks[i] === least ? { start: run.length ? run.start : y, length: run.length + 1 } : { start: 0, length: 0 };
    if (run.length > best.length) best = run;
  });
  return best.start + Math.floor(best.length / 2);
}

const shifted = <T extends { box: Box }>(item: T, dy: number): T => ({
  ...item,
  box: { ...item.box, top: item.box.top + dy, bottom: item.box.bottom + dy },
});

/** A page image cut for the OCR workers: each band's PNG and where it begins on the page. */
interface PageBands {
  image: Grey;
  bands: { top: number; png: Buffer }[];
}

/**
 * The page cut into two bands between lines, each read by its own OCR copy at
 * the same time, so that on an idle machine the page takes about half as long.
 * A strip a few lines high (a tight crop's printed part) stays whole.
 */
async function pageBands(image: Grey, count: PageReading['bands']): Promise<PageBands> {
  const cut = quietRow(image);
  const bands =
    count === 1 || Math.min(cut, image.height - cut) < MIN_BAND
      ? [{ top: 0, height: image.height }]
      : [
          { top: 0, height: cut },
          { top: cut, height: image.height - cut },
        ];
  return {
    image,
    bands: await Promise.all(
      bands.map(async ({ top, height }) => ({
        top,
        png: await greyPng(await cropGrey(image, { left: 0, top, width: image.width, height })),
      })),
    ),
  };
}

/** The bands' text as lines, in page coordinates. */
async function readBands({ bands }: PageBands, ocr: TextOcr): Promise<OcrLine[]> {
  const read = await Promise.all(
    bands.map(async ({ top, png }) =>
      (await ocr.latin(png)).map((line) => ({
        ...shifted(line, top),
        words: line.words.map((word) => shifted(word, top)),
      })),
    ),
  );
  return read.flat();
}

/** The page's text as lines, in page coordinates (`pageBands`). */
export async function readPage(image: Grey, ocr: TextOcr, count: PageReading['bands'] = 2): Promise<OcrLine[]> {
  return readBands(await pageBands(image, count), ocr);
}

/** How a form's page is read. */
export interface PageReading {
  /** The page's longer side at reading size, px. */
  side: number;
  /** Two bands read at once (on an idle machine in about half the time), or the page whole. */
  bands: 1 | 2;
}

/** Fields of the best-read pages; pages whose way up the MRZ showed are read that way only. */
export async function readPrintedFields(
  pages: NormalizedPage[],
  readablePages: number[],
  rules: readonly FieldRule[],
  ocr: TextOcr,
  { side, bands }: PageReading,
  views: Record<number, PageView> = {},
): Promise<FormReading> {
  const fields: FormReading = {};
  for (const page of pages.filter((p) => readablePages.includes(p.index))) {
    const view = views[page.index] ?? { image: (await uprightDocument(page.raster)).image, oriented: false };
    // Cut for the OCR workers before the thread turns to other work (the portrait's face model).
    const cut = await feeding(async () => {
      // Above the MRZ only: its lines are the most expensive text on the page and are read already.
      const printed = view.mrzTop
        ? await cropGrey(view.image, { left: 0, top: 0, width: view.image.width, height: view.mrzTop })
        : view.image;
      return pageBands(eraseRules(await evenLight(await resizeGrey(printed, side))), bands);
    });
    let { image } = cut;
    let lines = await readBands(cut, ocr);
    // Text rows give the page's axis but not which way up: take the turn whose labels read.
    if (!view.oriented && labelHits(lines, rules) < rules.length / 2) {
      const turned = turn180(image);
      const turnedLines = await readPage(turned, ocr, bands);
      if (labelHits(turnedLines, rules) > labelHits(lines, rules)) [image, lines] = [turned, turnedLines];
    }
    const slots = await Promise.all(locateFields(lines, rules, image).map((slot) => reread(image, slot, ocr)));
    for (const [field, found] of Object.entries(bestValues(slots))) {
      const reading = rules.find((rule) => rule.field === field)?.bilingual
        ? await readCyrillicHalf(image, found, ocr)
        : found;
      if (!fields[field] || fields[field].confidence < reading.confidence) fields[field] = reading;
    }
  }
  return fields;
}
