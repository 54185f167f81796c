// Reads one MRZ line from a crop: OCR (injected, so this stays testable
// without the engine), then check-digit repair of the line.
import type { LineReading } from '../../models/tesseract.ts';
import { correctLine, type Correction } from './line-correction.ts';

export interface MrzLineResult {
  text: string;
  /** What OCR read before repair. */
  raw: string;
  confidence: number;
  /** The line's check digits all agree (after repair); false for lines without any. */
  valid: boolean;
  layout?: string;
  corrections: Correction[];
}

export async function readMrzLine(image: Buffer, ocr: (image: Buffer) => Promise<LineReading>): Promise<MrzLineResult> {
  const reading = await ocr(image);
  const corrected = correctLine(reading.text);
  return { raw: reading.text, confidence: reading.confidence, ...corrected };
}
