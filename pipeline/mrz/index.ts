// MRZ stage: find the machine readable zone on the pages, read its lines,
// repair them with their check digits and parse them (formats.ts: TD1, TD2,
// TD3, both visas, the French ID). Several candidates are read — rows a text
// detector found anywhere on the document (then on the whole photo, where the
// document's outline may be wrong), the lowest wide ink rows of the upright
// page (and turned 180°), then plain bottom crops read as one block —
// and the check digits choose: the first whose every digit agrees (and whose
// document and state codes are plausible) wins, else the best of the others;
// lines read right by different candidates are assembled into one zone too
// (fuse.ts). Any layout is accepted on any kind of document: a residence
// permit may be a TD1 card or a TD2 or TD3 booklet.
import type { LineReading } from '../../models/tesseract.ts';
import { TimeoutError } from '../../core/timeout.ts';
import type { DocumentKind } from '../../generated/prisma/enums.ts';
import type { NormalizedPage } from '../normalize/index.ts';
import type { StageVerdict } from '../types.ts';
import { reviewerView } from '../artifacts.ts';
import { correctLine, mendLength, repairStateCodes, type CorrectedLine, type Correction } from './line-correction.ts';
import { FORMATS, formatOf, parseMrz, plausible, specOf, type ParsedMrz } from './formats.ts';
import { fusedZones } from './fuse.ts';
import { cropGrey, greyPng, resizeGrey, turn180, type Grey } from '../image/grey.ts';
import { uprightDocument, uprightPage, type UprightDocument } from '../image/upright.ts';
import type { TextBox } from '../../models/text-detector.ts';
import { bottomTextRows, detectedZones, lowerPart, rowCrop, turnBoxes } from './locate.ts';

/** How many lines an MRZ has: each layout's count, tried at every end of the OCR'd lines. */
const LINE_COUNTS = [...new Set(FORMATS.map((spec) => spec.lines))];

/**
 * How much OCR one search may spend, in line reads (a block read costs
 * BLOCK_COST of them): a page of noise is not read for ever. Counted in work,
 * not wall-clock time, so a busy machine reads exactly what an idle one reads —
 * about 8 s of an idle core.
 */
const READ_BUDGET = 56;
/** A bottom-crop block read takes about five line reads' time on real-docs. */
const BLOCK_COST = 5;

/** The kinds that carry an MRZ, and how many rows to look for, in order: a passport's two first, a card's three. */
const ROW_COUNTS: Partial<Record<DocumentKind, readonly number[]>> = { passport: [2, 3], residence_permit: [3, 2] };

/** Shares of the page, from the bottom, read as one block when the located rows do not give a zone. */
const BOTTOM_CROPS = [0.35, 0.5, 1] as const;
/** A block crop narrower than this is scaled up first: MRZ characters of 8–15 px read badly. */
const BLOCK_WIDTH = 1600;

export interface MrzReading extends ParsedMrz {
  corrections: Correction[];
  page: number;
  rotation: number;
}

/** The last run of lines, top to bottom, that has an MRZ layout's shape (every line its exact length). */
export function zoneIn(lines: readonly string[]): string[] | undefined {
  for (let end = lines.length; end > 0; end--) {
    for (const count of LINE_COUNTS) {
      const run = lines.slice(Math.max(0, end - count), end);
      if (run.length === count && formatOf(run)) return run;
    }
  }
  return undefined;
}

/** The parsed MRZ, or undefined where the lines are no MRZ layout. */
function toReading(
  lines: string[],
  corrections: Correction[],
  page: number,
  rotation: number,
  now: Date,
): MrzReading | undefined {
  const spec = formatOf(lines);
  if (!spec) return undefined;
  const states = repairStateCodes(lines, spec);
  const parsed = parseMrz(states.lines, now);
  return parsed && { ...parsed, corrections: [...corrections, ...states.corrections], page, rotation };
}

/** A page's document, upright; `oriented` once its MRZ showed which way up it is, and then where the MRZ begins. */
export interface PageView {
  image: Grey;
  oriented: boolean;
  mrzTop?: number;
}

export type MrzResult = StageVerdict & { mrz?: MrzReading; views: Record<number, PageView> };

export interface MrzOcr {
  /** Text boxes on an image seen at most `side` px on its longer side (a text detector). */
  detect(image: Grey, side: number): Promise<TextBox[]>;
  /** One MRZ line per image. */
  line(image: Buffer): Promise<LineReading>;
  /** A crop holding the whole zone, as lines top to bottom. */
  block(image: Buffer): Promise<LineReading[]>;
}

/**
 * Ways of finding the zone, tried in this order: rows a text detector found
 * anywhere on the page, the lowest wide ink rows of the lower part
 * (morphology), plain bottom crops read as one block.
 */
export const MRZ_LOCATORS = ['detector', 'rows', 'crops'] as const;
export type MrzLocator = (typeof MRZ_LOCATORS)[number];

/**
 * The detector looks at the page this large (longer side) first — 2.5 times
 * faster — and larger when what it found there did not read: small print on a
 * large page (a card's two sides on one scan) splits or drops a line at 640.
 */
const DETECTOR_SIDES = [640, 960];
/** How many detected zones of each row count are read (the longest): more cost more than they find on real-docs. */
const DETECTED_ZONES = 2;

/** How good a reading is: all check digits agreeing first, then how many agree. */
const agreeing = (mrz: MrzReading) => Object.values(mrz.checkDigits).filter(Boolean).length;
/** Valid first, then plausible where no check digit reaches (a plausible reading ends the search), then most digits agreeing. */
const rank = (mrz: MrzReading) => [Number(mrz.valid), Number(plausible(mrz)), agreeing(mrz)];
const better = (a: MrzReading, b: MrzReading | undefined) => {
  if (!b) return true;
  const [x, y] = [rank(a), rank(b)];
  const differs = x.findIndex((value, i) => value !== y[i]);
  return differs >= 0 && x[differs]! > y[differs]!;
};

/** The bottom `share` of an image, wide enough for the MRZ model. */
async function bottomCrop(image: Grey, share: number): Promise<Buffer> {
  const top = Math.floor(image.height * (1 - share));
  const crop = await cropGrey(image, { left: 0, top, width: image.width, height: image.height - top });
  return greyPng(
    crop.width < BLOCK_WIDTH
      ? await resizeGrey(crop, Math.round((BLOCK_WIDTH / crop.width) * Math.max(crop.width, crop.height)))
      : crop,
  );
}

/** One way of reading a zone: what it read is judged by the check digits. */
interface Candidate {
  how: string;
  /** The rows it reads, top and bottom in px of the pass's image, where the locator knows them. */
  band?: Band;
  read(): Promise<string[]>;
}

interface Band {
  top: number;
  bottom: number;
}

/** A page's document as one pass sees it: upright, or turned half round in case the upright guess was upside down. */
interface PageTurn {
  upright: UprightDocument;
  view: View;
  halfTurned: boolean;
  image: Grey;
  /** The page's clockwise turn to `image`, degrees. */
  rotation: number;
}

/** One pass of a locator over one page turn: its candidates, likeliest first. */
type Pass = (turn: PageTurn, rowCounts: readonly number[], ocr: MrzOcr) => AsyncGenerator<Candidate>;

/** Rows a text detector found anywhere on the page seen at `side` px, the longest runs of 2 or 3 first, each row turned level and read as a line. */
const detectAt = (side: number): Pass =>
  async function* ({ upright, halfTurned, image }, rowCounts, ocr) {
    // Boxes of the upright page, turned with it: the detector sees each page once per size.
    const boxes = await ocr.detect(upright.image, side);
    for (const zone of rowCounts.flatMap((count, i) => detectedZones(boxes, count, i === 0).slice(0, DETECTED_ZONES))) {
      const rows = halfTurned ? turnBoxes(zone, upright.image).reverse() : zone;
      yield {
        how: `detected ${zone.length} rows at ${side} px`,
        band: {
          top: Math.min(...rows.map((row) => row.y - row.thickness / 2)),
          bottom: Math.max(...rows.map((row) => row.y + row.thickness / 2)),
        },
        read: () =>
          Promise.all(
            rows.map(async (row) => {
              const crop = await rowCrop(image, row);
              return crop ? (await ocr.line(crop)).text : '';
            }),
          ),
      };
    }
  };

/** The lowest wide ink rows of the lower part (morphology), each read as one line: as many rows as the kind's usual layout first (the band around fewer rows deskews better), then the other count. */
const inkRows: Pass = async function* ({ image }, rowCounts, ocr) {
  const lower = await lowerPart(image);
  for (const count of rowCounts) {
    const rows = await bottomTextRows(lower, count);
    yield { how: `${count} rows`, read: () => Promise.all(rows.map(async (row) => (await ocr.line(row.png)).text)) };
  }
};

/** Plain bottom crops read as one block: tight crops, bands, layouts the row finders miss. */
const bottomCrops: Pass = async function* ({ image }, _rowCounts, ocr) {
  for (const share of BOTTOM_CROPS) {
    yield {
      how: `bottom ${share * 100}%`,
      band: { top: Math.floor(image.height * (1 - share)), bottom: image.height },
      // A block that takes too long is noise, not an MRZ: no lines.
      read: async () => {
        const lines = await ocr.block(await bottomCrop(image, share)).catch((error: unknown) => {
          if (error instanceof TimeoutError) return [];
          throw error;
        });
        return lines.map((line) => line.text);
      },
    };
  }
};

/**
 * What a locator looks at: the document as found, then — where a paper outline
 * was found in a photo — the whole page: a shadow across the paper or a hand
 * over its edge can cut the outline short of the MRZ. The row finder and the
 * bottom crops rely on the document's own edges and look at it only.
 */
type View = 'document' | 'page';
const VIEWS: Record<MrzLocator, readonly View[]> = {
  detector: ['document', 'page'],
  rows: ['document'],
  crops: ['document'],
};

/** Each locator's passes, in order; every pass runs over all pages upright, then all turned, before the next. */
const LOCATORS: Record<MrzLocator, Pass[]> = {
  detector: DETECTOR_SIDES.map(detectAt),
  rows: [inkRows],
  crops: [bottomCrops],
};

/**
 * Reads the MRZ: each locator in turn, on each page in page order, each of its
 * candidates until one has every check digit agreeing; otherwise the best
 * partial reading. The quality measures are not waited for: reading decides.
 */
export async function readMrz(
  kind: DocumentKind,
  pages: NormalizedPage[],
  ocr: MrzOcr,
  now: Date,
  locators: readonly MrzLocator[] = MRZ_LOCATORS,
): Promise<MrzResult> {
  const views: Record<number, PageView> = {};
  const rowCounts = ROW_COUNTS[kind];
  if (!rowCounts) return { outcome: 'pass', details: { skipped: `${kind} has no MRZ` }, views };
  const tried: { page: number; rotation: number; how: string; lines: string[] }[] = [];
  let best: { mrz: MrzReading; image: Grey; band?: Band; view: View } | undefined;

  /** Every line read on each page, repaired (and mended to a layout's length where one character off it). */
  const readLines = new Map<number, CorrectedLine[]>();
  const linesOf = (page: number) => readLines.get(page) ?? readLines.set(page, []).get(page)!;
  const correctionsOf = (lines: readonly string[], repaired: readonly CorrectedLine[]) =>
    lines.flatMap((text) => repaired.find((line) => line.text === text)?.corrections ?? []);

  /** Repairs and parses what one candidate read; true when it settles the search. */
  const consider = (raw: string[], how: string, page: number, turn: PageTurn, band?: Band): boolean => {
    const corrected = raw.map((text) => correctLine(text));
    const mended = raw.map((text, i) => mendLength(text) ?? corrected[i]!);
    let read = corrected;
    let lines = zoneIn(read.map((line) => line.text));
    // No zone as read: lines one character off an MRZ length, mended, may make one.
    if (!lines) {
      read = mended;
      lines = zoneIn(read.map((line) => line.text));
    }
    tried.push({ page, rotation: turn.rotation, how, lines: lines ?? read.map((line) => line.text) });
    /** Whether the zone's reading is the best so far (and now kept); an assembled zone only where it settles the search. */
    const offer = (zone: string[], repaired: readonly CorrectedLine[], assembled = false): boolean => {
      const mrz = toReading(zone, correctionsOf(zone, repaired), page, turn.rotation, now);
      if (!mrz || !better(mrz, best?.mrz) || (assembled && !(mrz.valid && plausible(mrz)))) return false;
      best = { mrz, image: turn.image, band, view: turn.view };
      return true;
    };
    if (lines) offer(lines, read);
    const settled = () => Boolean(best && best.mrz.valid && plausible(best.mrz));
    // Lines this candidate read right may complete a zone with lines others read right. Only
    // a whole valid zone counts: a document that prints a wrong check digit must not be
    // given misread lines whose digits happen to agree.
    const seen = linesOf(page);
    seen.push(...corrected, ...mended.filter((line, i) => line !== corrected[i]));
    if (!settled()) {
      for (const zone of fusedZones(seen.map((line) => line.text)))
        if (offer(zone, seen, true))
          tried.push({ page, rotation: turn.rotation, how: 'lines of several readings', lines: zone });
    }
    return settled();
  };

  let spent = 0;
  const detected = new Map<Grey, Map<number, Promise<TextBox[]>>>();
  const metered: MrzOcr = {
    detect: (image, side) => {
      const sides = detected.get(image) ?? detected.set(image, new Map()).get(image)!;
      return sides.get(side) ?? sides.set(side, ocr.detect(image, side)).get(side)!;
    },
    line: (image) => ((spent += 1), ocr.line(image)),
    block: (image) => ((spent += BLOCK_COST), ocr.block(image)),
  };
  const uprights = new Map<string, Promise<UprightDocument | undefined>>();
  /** A page's document as found (a paper outline in a photo, else the page), or the whole page where an outline was found. */
  const uprightOf = (page: NormalizedPage, view: View) => {
    const key = `${page.index} ${view}`;
    if (!uprights.has(key))
      uprights.set(
        key,
        view === 'document'
          ? uprightDocument(page.raster).then((upright) => {
              views[page.index] = { image: upright.image, oriented: false };
              return upright;
            })
          : uprightOf(page, 'document').then((document) =>
              document?.found === 'paper' ? uprightPage(page.raster) : undefined,
            ),
      );
    return uprights.get(key)!;
  };
  const halfTurns = new Map<Grey, Grey>();
  const turnOf = async (page: NormalizedPage, view: View, halfTurned: boolean): Promise<PageTurn | undefined> => {
    const upright = await uprightOf(page, view);
    if (!upright) return undefined;
    if (!halfTurned) return { upright, view, halfTurned, image: upright.image, rotation: upright.rotation };
    const image =
      halfTurns.get(upright.image) ?? halfTurns.set(upright.image, turn180(upright.image)).get(upright.image)!;
    return { upright, view, halfTurned, image, rotation: upright.rotation + 180 };
  };
  // Each pass on every page upright, then on every page turned, before the next, slower
  // pass: a two-page upload whose MRZ is on its second page is found by the detector
  // before the turned or cropped first page is read. The whole page comes after every
  // pass of the locator over the document as found.
  search: for (const locator of locators) {
    for (const view of VIEWS[locator]) {
      for (const pass of LOCATORS[locator]) {
        for (const halfTurned of [false, true]) {
          for (const page of pages) {
            const turn = await turnOf(page, view, halfTurned);
            if (!turn) continue;
            for await (const candidate of pass(turn, rowCounts, metered)) {
              if (spent >= READ_BUDGET) break search;
              const read = await candidate.read();
              if (consider(read, candidate.how, page.index, turn, candidate.band)) break search;
            }
          }
        }
      }
    }
  }
  if (!best) return { outcome: 'fail', reasonCode: 'mrz_not_found', details: { tried }, views };
  const { mrz, image } = best;
  // On the whole page the document does not fill the image: the MRZ begins where its rows were found.
  const mrzTop = Math.round(
    best.view === 'page' && best.band ? best.band.top : image.height * specOf(mrz.format).aboveMrz,
  );
  views[mrz.page] = { image, oriented: true, mrzTop };
  // For reviewers: the document as it was read, and where on it the MRZ is (the rows read, else where the format puts it).
  const view = await reviewerView(image, 1);
  const band = best.band ?? { top: mrzTop, bottom: image.height };
  const details = { mrz, band: { top: Math.round(band.top), bottom: Math.round(band.bottom) }, pageSize: view.size };
  const artifacts = { document: view.jpeg };
  const failed = Object.entries(mrz.checkDigits).find(([, ok]) => !ok)?.[0];
  if (failed)
    return {
      outcome: 'fail',
      reasonCode: 'mrz_check_digit_invalid',
      params: { field: failed },
      details,
      artifacts,
      mrz,
      views,
    };
  return { outcome: 'pass', details, artifacts, mrz, views };
}
