// The contract every pipeline stage follows: a pure function of its input and
// a context, returning an outcome with a reason code and details. No I/O.
import type { CheckOutcome, DocumentKind } from '../generated/prisma/enums.ts';
import type { ReasonCode, ReasonParams } from '../core/reasons.ts';
import type { FaceEngine } from '../models/face.ts';
import type { LineReading, OcrLine, TextReadOptions } from '../models/tesseract.ts';
import type { TextBox } from '../models/text-detector.ts';
import type { ArtifactName } from './artifacts.ts';
import type { Grey } from './image/grey.ts';
import type { MrzLocator } from './mrz/index.ts';

export type { CheckOutcome, DocumentKind };

/** What stages may know about the world; passed in, never reached for. */
export interface StageContext {
  limits: { maxPixels: number; maxPdfPages: number };
  /** Injected clock, so date rules are testable. */
  now(): Date;
  /** OCR engines, warm in the calling thread. */
  ocr: {
    /** One MRZ line per image. */
    mrzLine(image: Buffer): Promise<LineReading>;
    /** A crop holding a whole MRZ, as lines top to bottom. */
    mrzBlock(image: Buffer): Promise<LineReading[]>;
    /** Text boxes on an image seen at most `side` px on its longer side (PaddleOCR's DB detector). */
    textBoxes(image: Grey, side: number): Promise<TextBox[]>;
    /** Printed Latin text of a page or of one value, as lines with boxes. */
    latin(image: Buffer, options?: TextReadOptions): Promise<OcrLine[]>;
    /** Printed Cyrillic text (a crop of a bilingual value), as lines with boxes. */
    cyrillic(image: Buffer, options?: TextReadOptions): Promise<OcrLine[]>;
  };
  /** Face detection, mesh and descriptors, warm in the calling thread. */
  face: FaceEngine;
  /** The MRZ locators to run, in order (all by default; the benchmark measures each alone). */
  mrzLocators?: readonly MrzLocator[];
}

export interface StageVerdict {
  outcome: CheckOutcome;
  reasonCode?: ReasonCode;
  /** Values for the reason's message template. */
  params?: ReasonParams;
  score?: number;
  details: Record<string, unknown>;
  /** Images to keep for reviewers (face crops), stored encrypted by the runner. */
  artifacts?: Partial<Record<ArtifactName, Buffer>>;
}

/** Content types intake accepts, judged from the bytes. */
export const ACCEPTED_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export type AcceptedType = (typeof ACCEPTED_TYPES)[number];

/** A decoded page: 8-bit sRGB pixels, upright. */
export interface Raster {
  width: number;
  height: number;
  channels: 3;
  data: Buffer;
}

export interface UploadedDocument {
  kind: DocumentKind;
  contentType: AcceptedType;
  bytes: Buffer;
}
