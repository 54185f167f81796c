// Finds and decodes the scanned images inside PDF pages. Scanners and phone
// apps embed each page as one JPEG (DCTDecode) or deflated raw pixels
// (FlateDecode, as pdf-lib writes PNGs); the largest image is the page.
import zlib from 'node:zlib';
import { PDFArray, PDFDict, PDFName, PDFNumber, PDFRawStream, PDFRef, type PDFDocument, type PDFObject } from 'pdf-lib';

export interface PdfImage {
  width: number;
  height: number;
  filters: string[];
  bitsPerComponent: number;
  colorComponents: number | undefined;
  predictor: { predictor: number; colors: number; columns: number } | undefined;
  contents: Uint8Array;
}

export type DecodedPdfImage =
  | { kind: 'encoded'; format: 'jpeg'; bytes: Buffer }
  | { kind: 'raw'; width: number; height: number; channels: 1 | 3; pixels: Buffer };

const NAME = {
  XObject: PDFName.of('XObject'),
  Subtype: PDFName.of('Subtype'),
  Image: PDFName.of('Image'),
  Form: PDFName.of('Form'),
  Resources: PDFName.of('Resources'),
  Width: PDFName.of('Width'),
  Height: PDFName.of('Height'),
  Filter: PDFName.of('Filter'),
  BitsPerComponent: PDFName.of('BitsPerComponent'),
  ColorSpace: PDFName.of('ColorSpace'),
  DecodeParms: PDFName.of('DecodeParms'),
  Predictor: PDFName.of('Predictor'),
  Colors: PDFName.of('Colors'),
  Columns: PDFName.of('Columns'),
  N: PDFName.of('N'),
};

/** Components per pixel of a colour space, when it is one we can decode. */
const COLOR_SPACE_COMPONENTS: Record<string, number> = {
  '/DeviceRGB': 3,
  '/DeviceGray': 1,
  '/CalRGB': 3,
  '/CalGray': 1,
};

function numberIn(dict: PDFDict, key: PDFName): number | undefined {
  const value = dict.lookup(key);
  return value instanceof PDFNumber ? value.asNumber() : undefined;
}

function namesOf(value: PDFObject | undefined, pdf: PDFDocument): string[] {
  const resolved = value instanceof PDFRef ? pdf.context.lookup(value) : value;
  if (resolved instanceof PDFName) return [resolved.asString()];
  if (resolved instanceof PDFArray) return resolved.asArray().flatMap((item) => namesOf(item, pdf));
  return [];
}

function colorComponents(dict: PDFDict, pdf: PDFDocument): number | undefined {
  const space = dict.lookup(NAME.ColorSpace);
  if (space instanceof PDFName) return COLOR_SPACE_COMPONENTS[space.asString()];
  // [/ICCBased stream]: the stream's /N says how many components.
  if (space instanceof PDFArray && namesOf(space.get(0), pdf)[0] === '/ICCBased') {
    const profile = pdf.context.lookup(space.get(1));
    if (profile instanceof PDFRawStream) return numberIn(profile.dict, NAME.N);
  }
  return undefined;
}

function imagesIn(resources: PDFDict | undefined, pdf: PDFDocument, depth: number): PdfImage[] {
  const xobjects = resources?.lookup(NAME.XObject);
  if (!(xobjects instanceof PDFDict) || depth > 3) return [];
  return xobjects.values().flatMap((value) => {
    const stream = value instanceof PDFRef ? pdf.context.lookup(value) : value;
    if (!(stream instanceof PDFRawStream)) return [];
    const subtype = stream.dict.lookup(NAME.Subtype);
    if (subtype === NAME.Form) {
      const nested = stream.dict.lookup(NAME.Resources);
      return imagesIn(nested instanceof PDFDict ? nested : undefined, pdf, depth + 1);
    }
    if (subtype !== NAME.Image) return [];
    const parms = stream.dict.lookup(NAME.DecodeParms);
    const predictor = parms instanceof PDFDict ? numberIn(parms, NAME.Predictor) : undefined;
    const width = numberIn(stream.dict, NAME.Width) ?? 0;
    return [
      {
        width,
        height: numberIn(stream.dict, NAME.Height) ?? 0,
        filters: namesOf(stream.dict.get(NAME.Filter), pdf),
        bitsPerComponent: numberIn(stream.dict, NAME.BitsPerComponent) ?? 8,
        colorComponents: colorComponents(stream.dict, pdf),
        predictor:
          parms instanceof PDFDict && predictor && predictor >= 10
            ? { predictor, colors: numberIn(parms, NAME.Colors) ?? 1, columns: numberIn(parms, NAME.Columns) ?? width }
            : undefined,
        contents: stream.contents,
      },
    ];
  });
}

/** The images of every page, largest first. */
export function pageImages(pdf: PDFDocument): PdfImage[][] {
  return pdf
    .getPages()
    .map((page) => imagesIn(page.node.Resources(), pdf, 0).sort((a, b) => b.width * b.height - a.width * a.height));
}

/** Reverses PNG row filters (PDF predictors 10–15): each row starts with its filter type. */
function unpredict(data: Buffer, bytesPerPixel: number, rowBytes: number): Buffer {
  const rows = Math.floor(data.length / (rowBytes + 1));
  const out = Buffer.alloc(rows * rowBytes);
  for (let y = 0; y < rows; y++) {
    const filter = data[y * (rowBytes + 1)];
    const src = y * (rowBytes + 1) + 1;
    const dst = y * rowBytes;
    for (let x = 0; x < rowBytes; x++) {
      const left = x >= bytesPerPixel ? out[dst + x - bytesPerPixel]! : 0;
      const up = y > 0 ? out[dst - rowBytes + x]! : 0;
      const upLeft = y > 0 && x >= bytesPerPixel ? out[dst - rowBytes + x - bytesPerPixel]! : 0;
      let predicted = 0;
      if (filter === 1) predicted = left;
      else if (filter === 2) predicted = up;
      else if (filter === 3) predicted = (left + up) >> 1;
      else if (filter === 4) {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        predicted = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      }
      out[dst + x] = (data[src + x]! + predicted) & 0xff;
    }
  }
  return out;
}

export class UnsupportedPdfImage extends Error {}

/** Decodes an image's stream into JPEG bytes or raw pixels; maxPixels guards against inflation bombs. */
export function decodePdfImage(image: PdfImage, maxPixels: number): DecodedPdfImage {
  let data: Buffer = Buffer.from(image.contents);
  for (const [i, filter] of image.filters.entries()) {
    if (filter === '/DCTDecode' && i === image.filters.length - 1)
      return { kind: 'encoded', format: 'jpeg', bytes: data };
    if (filter !== '/FlateDecode') throw new UnsupportedPdfImage(image.filters.join('+'));
    const channels = image.colorComponents ?? 3;
    data = zlib.inflateSync(data, { maxOutputLength: maxPixels * channels + image.height + 1024 });
  }
  const channels = image.colorComponents;
  if ((channels !== 1 && channels !== 3) || image.bitsPerComponent !== 8) {
    throw new UnsupportedPdfImage(
      `${image.filters.join('+') || 'raw'} ${channels ?? '?'}×${image.bitsPerComponent}-bit`,
    );
  }
  if (image.predictor) data = unpredict(data, channels, image.width * channels);
  const expected = image.width * image.height * channels;
  if (data.length < expected) throw new Error(`image data ends early (${data.length} of ${expected} bytes)`);
  return { kind: 'raw', width: image.width, height: image.height, channels, pixels: data.subarray(0, expected) };
}
