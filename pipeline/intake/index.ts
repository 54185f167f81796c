// Intake: decides from the bytes alone whether an upload is a file we can
// process at all. Runs before anything is stored; each refusal has its reason.
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import type { ReasonCode, ReasonParams } from '../../core/reasons.ts';
import { pageImages } from '../normalize/pdf-images.ts';
import type { AcceptedType } from '../types.ts';
import { sniffType } from './sniff.ts';
import { jpegStructure, pngStructure } from './structure.ts';

export interface IntakeLimits {
  maxUploadBytes: number;
  maxPixels: number;
  maxPdfPages: number;
}

export type IntakeResult =
  | { ok: true; contentType: AcceptedType; pageCount: number; width?: number; height?: number }
  | { ok: false; reasonCode: ReasonCode; params: ReasonParams };

const refuse = (reasonCode: ReasonCode, params: ReasonParams = {}): IntakeResult => ({ ok: false, reasonCode, params });

const STRUCTURE = { 'image/jpeg': jpegStructure, 'image/png': pngStructure } as const;

function decodeFailure(error: unknown, format: string): IntakeResult {
  return refuse('file_corrupt', { format, detail: error instanceof Error ? error.message : String(error) });
}

export async function inspectUpload(bytes: Buffer, limits: IntakeLimits): Promise<IntakeResult> {
  if (bytes.length === 0) return refuse('file_empty');
  // The API enforces this while streaming; checked again for files read from disk.
  if (bytes.length > limits.maxUploadBytes)
    return refuse('file_too_large', { limitMb: (limits.maxUploadBytes / 2 ** 20).toFixed(0) });
  const type = sniffType(bytes);
  if (!type.accepted) return refuse('unsupported_file_type', { detected: type.label });
  return type.accepted === 'application/pdf' ? inspectPdf(bytes, limits) : inspectImage(bytes, type.accepted, limits);
}

async function inspectImage(
  bytes: Buffer,
  contentType: 'image/jpeg' | 'image/png',
  limits: IntakeLimits,
): Promise<IntakeResult> {
  const format = contentType === 'image/png' ? 'PNG' : 'JPEG';
  const structure = STRUCTURE[contentType](bytes);
  if (structure === 'truncated') return refuse('file_truncated', { format });
  if (structure === 'malformed') return refuse('file_corrupt', { format, detail: `not a well-formed ${format} file` });
  let width: number;
  let height: number;
  try {
    // The header alone: a decompression bomb is refused before any pixel is decoded.
    ({ width, height } = await sharp(bytes, { limitInputPixels: false }).metadata());
  } catch (error) {
    return decodeFailure(error, format);
  }
  if (width * height > limits.maxPixels) {
    return refuse('pixel_limit_exceeded', { pixels: width * height, limit: limits.maxPixels });
  }
  try {
    // Decode everything (shrink-on-load keeps it cheap): damaged image data fails here.
    await sharp(bytes, { failOn: 'truncated', limitInputPixels: limits.maxPixels })
      .resize(256, 256, { fit: 'inside' })
      .raw()
      .toBuffer();
  } catch (error) {
    return decodeFailure(error, format);
  }
  return { ok: true, contentType, pageCount: 1, width, height };
}

/** More indirect objects than a scan of a few pages ever has: a PDF built to exhaust the parser. */
const MAX_PDF_OBJECTS = 5_000;

async function inspectPdf(bytes: Buffer, limits: IntakeLimits): Promise<IntakeResult> {
  try {
    return await inspectPdfStructure(bytes, limits);
  } catch (error) {
    // A cyclic page tree or absurd nesting overflows the parser's stack.
    if (error instanceof RangeError)
      return refuse('pdf_too_complex', { detail: 'its page tree or objects nest too deeply or loop' });
    throw error;
  }
}

async function inspectPdfStructure(bytes: Buffer, limits: IntakeLimits): Promise<IntakeResult> {
  // A PDF ends with %%EOF (possibly followed by a little whitespace).
  if (!bytes.subarray(-1024).includes('%%EOF')) return refuse('file_truncated', { format: 'PDF' });
  let pdf: PDFDocument;
  try {
    // Loaded despite encryption only to tell the applicant that this is the problem.
    pdf = await PDFDocument.load(bytes, { updateMetadata: false, throwOnInvalidObject: false, ignoreEncryption: true });
  } catch (error) {
    return refuse('file_corrupt', { format: 'PDF', detail: error instanceof Error ? error.message : String(error) });
  }
  if (pdf.isEncrypted) return refuse('pdf_encrypted');
  const objects = pdf.context.enumerateIndirectObjects().length;
  if (objects > MAX_PDF_OBJECTS) return refuse('pdf_too_complex', { detail: `${objects} objects` });
  const pageCount = pdf.getPageCount();
  if (pageCount === 0) return refuse('pdf_no_pages');
  if (pageCount > limits.maxPdfPages)
    return refuse('pdf_too_many_pages', { pages: pageCount, limit: limits.maxPdfPages });
  // The limit holds for the document: normalisation decodes the largest image of every page.
  const pixels = pageImages(pdf).reduce((sum, images) => sum + (images[0] ? images[0].width * images[0].height : 0), 0);
  if (pixels > limits.maxPixels) return refuse('pixel_limit_exceeded', { pixels, limit: limits.maxPixels });
  // Pixel size is known once normalisation has decoded the page images.
  return { ok: true, contentType: 'application/pdf', pageCount };
}
