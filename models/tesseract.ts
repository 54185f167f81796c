// Tesseract (tesseract.js, WebAssembly) with language data shipped in
// models/tesseract/ (licences beside each file). Nothing is fetched: the data
// is read from this folder and never cached to the working directory.
//   mrz — MRZ-trained LSTM model (BSD-3-Clause), one MRZ line at a time, or a
//   block of lines;
//   eng, rus — tessdata LSTM models (Apache-2.0) for the printed visual zone
//   and forms, with word boxes. One language per worker: mixed, Tesseract
//   reads Latin capitals as their Cyrillic look-alikes (KAYA → КАУА).
import { createWorker, OEM, PSM, type Worker } from 'tesseract.js';
import { TimeoutError, withTimeout } from '../core/timeout.ts';
import { fromRoot } from '../core/paths.ts';

export const TESSDATA_DIR = fromRoot('models', 'tesseract');
const MRZ_CHARSET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<';
const PUNCTUATION = "0123456789 ./-,:'№";
const TEXT_CHARSET = {
  eng: `ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz${PUNCTUATION}`,
  rus: `АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюяҒғҚқҢңӨөҮүҰұҺһӘәҶҷҲҳӢӣӮӯЎўІіЇїЄєҐґ${PUNCTUATION}`,
};

export interface LineReading {
  text: string;
  confidence: number;
}

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface OcrWord {
  text: string;
  /** 0–100, Tesseract's own. */
  confidence: number;
  box: Box;
}

export interface OcrLine extends OcrWord {
  words: OcrWord[];
}

export interface OcrEngine<T> {
  read(image: Buffer): Promise<T>;
  close(): Promise<void>;
}

/**
 * Calls to one Tesseract worker, one after the other: a read sets parameters
 * (page layout, character whitelist) that must still hold when it recognises.
 */
function serialised<A extends unknown[], T>(read: (...args: A) => Promise<T>): (...args: A) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return (...args) => {
    const next = last.then(() => read(...args));
    last = next.catch(() => undefined);
    return next;
  };
}

const engine = <T>(worker: Worker, read: (worker: Worker, image: Buffer) => Promise<T>): OcrEngine<T> => ({
  read: serialised((image: Buffer) => read(worker, image)),
  close: async () => void (await worker.terminate()),
});

const startWorker = (langs: string) => createWorker(langs, OEM.LSTM_ONLY, { langPath: TESSDATA_DIR, gzip: false, cacheMethod: 'none' });

export async function createMrzLineReader(): Promise<OcrEngine<LineReading>> {
  const worker = await startWorker('mrz');
  await worker.setParameters({
    tessedit_char_whitelist: MRZ_CHARSET,
    tessedit_pageseg_mode: PSM.SINGLE_LINE,
    // Crops carry no resolution; tell Tesseract rather than let it warn and guess.
    user_defined_dpi: '300',
  });
  return engine(worker, async (w, image) => {
    const { data } = await w.recognize(image);
    return { text: data.text.replace(/\s+/g, ''), confidence: data.confidence };
  });
}

/**
 * Tesseract over a block of noise (a photo of anything but a document) can run
 * for tens of seconds: past this a block read gives up with a TimeoutError,
 * and its worker is stopped and replaced.
 */
const BLOCK_TIMEOUT_MS = 3000;

/** The MRZ model over a block of lines (a crop holding the whole zone); lines in reading order. */
export async function createMrzBlockReader(timeoutMs = BLOCK_TIMEOUT_MS): Promise<OcrEngine<LineReading[]>> {
  const start = async () => {
    const started = await startWorker('mrz');
    await started.setParameters({ tessedit_char_whitelist: MRZ_CHARSET, tessedit_pageseg_mode: PSM.SINGLE_BLOCK, user_defined_dpi: '300' });
    return started;
  };
  let worker = await start();
  const read = async (image: Buffer): Promise<LineReading[]> => {
    const current = worker;
    try {
      const { data } = await withTimeout(current.recognize(image, {}, { blocks: true, text: false }), timeoutMs, 'MRZ block OCR');
      return (data.blocks ?? []).flatMap((block) =>
        block.paragraphs.flatMap((paragraph) => paragraph.lines.map((line) => ({ text: line.text.replace(/\s+/g, ''), confidence: line.confidence }))),
      );
    } catch (error) {
      if (error instanceof TimeoutError) {
        await current.terminate().catch(() => undefined);
        worker = await start();
      }
      throw error;
    }
  };
  return { read: serialised(read), close: async () => void (await worker.terminate()) };
}

const box = ({ x0, y0, x1, y1 }: { x0: number; y0: number; x1: number; y1: number }): Box => ({ left: x0, top: y0, right: x1, bottom: y1 });

export interface TextReadOptions {
  /** 'sparse': a whole page of scattered fields; 'line': one value cut out of it. */
  layout: 'sparse' | 'line';
  /** Only these characters (default: everything the script prints on documents). */
  charset?: string;
}

export interface TextReader {
  read(image: Buffer, options?: TextReadOptions): Promise<OcrLine[]>;
  close(): Promise<void>;
}

/** Printed text in one script (eng: Latin, rus: Cyrillic), as lines of words with their boxes. */
export async function createTextReader(language: 'eng' | 'rus'): Promise<TextReader> {
  const worker = await startWorker(language);
  await worker.setParameters({ user_defined_dpi: '300' });
  let current = '';
  return {
    read: serialised(async (image: Buffer, { layout, charset }: TextReadOptions = { layout: 'sparse' }) => {
      const parameters = {
        // Sparse text: a document page is labelled fields scattered around a portrait, not paragraphs.
        tessedit_pageseg_mode: layout === 'sparse' ? PSM.SPARSE_TEXT : PSM.SINGLE_LINE,
        // Only what documents print: a monospaced C is otherwise read as «(».
        tessedit_char_whitelist: charset ?? TEXT_CHARSET[language],
      };
      if (JSON.stringify(parameters) !== current) {
        await worker.setParameters(parameters);
        current = JSON.stringify(parameters);
      }
      const { data } = await worker.recognize(image, {}, { blocks: true, text: false });
      return (data.blocks ?? []).flatMap((block) =>
        block.paragraphs.flatMap((paragraph) =>
          paragraph.lines
            .map((line) => ({
              text: line.text.trim(),
              confidence: line.confidence,
              box: box(line.bbox),
              words: line.words.map((word) => ({ text: word.text, confidence: word.confidence, box: box(word.bbox) })),
            }))
            .filter((line) => line.text !== ''),
        ),
      );
    }),
    close: async () => void (await worker.terminate()),
  };
}
