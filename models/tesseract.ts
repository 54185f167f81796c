// Tesseract (tesseract.js, WebAssembly) reading MRZ text with the MRZ-trained
// LSTM model shipped in models/tesseract/ (BSD-3-Clause, licence beside it).
// Nothing is fetched: the language data is read from this folder and never
// cached to the working directory.
import { fileURLToPath } from 'node:url';
import { createWorker, OEM, PSM, type Worker } from 'tesseract.js';

export const TESSDATA_DIR = fileURLToPath(new URL('./tesseract', import.meta.url));
const MRZ_CHARSET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<';

export interface LineReading {
  text: string;
  confidence: number;
}

export interface MrzLineReader {
  read(image: Buffer): Promise<LineReading>;
  close(): Promise<void>;
}

export async function createMrzLineReader(): Promise<MrzLineReader> {
  const worker: Worker = await createWorker('mrz', OEM.LSTM_ONLY, { langPath: TESSDATA_DIR, gzip: false, cacheMethod: 'none' });
  await worker.setParameters({
    tessedit_char_whitelist: MRZ_CHARSET,
    tessedit_pageseg_mode: PSM.SINGLE_LINE,
    // Crops carry no resolution; tell Tesseract rather than let it warn and guess.
    user_defined_dpi: '300',
  });
  return {
    async read(image) {
      const { data } = await worker.recognize(image);
      return { text: data.text.replace(/\s+/g, ''), confidence: data.confidence };
    },
    async close() {
      await worker.terminate();
    },
  };
}
