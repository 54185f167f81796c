// What runs inside a piscina worker thread: CPU-heavy pipeline code only.
// Each task names its kind; inputs and results are plain, cloneable data.
import { createFaceEngine, type FaceEngine } from '../models/face.ts';
import { createMrzLineReader, createTextReader } from '../models/tesseract.ts';
import { inspectUpload, type IntakeLimits, type IntakeResult } from '../pipeline/intake/index.ts';
import { readMrzLine, type MrzLineResult } from '../pipeline/mrz/read-line.ts';
import { runPipeline, type CheckRecord } from '../pipeline/stages.ts';
import type { StageContext, UploadedDocument } from '../pipeline/types.ts';

export type PoolTask =
  | { type: 'inspect'; bytes: Uint8Array; limits: IntakeLimits }
  | { type: 'mrz_line'; bytes: Uint8Array }
  | {
      type: 'process';
      document: Omit<UploadedDocument, 'bytes'> & { bytes: Uint8Array };
      limits: StageContext['limits'];
      now: string;
      faultDelayMs: number;
    };

export interface PoolResults {
  inspect: IntakeResult;
  mrz_line: MrzLineResult;
  process: CheckRecord[];
}

/** Structured clone delivers Uint8Arrays: view them as Buffers without copying. */
const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** An engine started on first use and kept warm for the life of the pool thread. */
function warm<A extends unknown[], T>(start: () => Promise<{ read(...args: A): Promise<T> }>): (...args: A) => Promise<T> {
  let started: Promise<{ read(...args: A): Promise<T> }> | undefined;
  return async (...args) => (await (started ??= start())).read(...args);
}

const ocr = { mrzLine: warm(createMrzLineReader), latin: warm(() => createTextReader('eng')), cyrillic: warm(() => createTextReader('rus')) };

// The face models load on the first face stage this thread runs, once.
let faceEngine: Promise<FaceEngine> | undefined;
const face: FaceEngine = {
  detect: async (...args) => (await (faceEngine ??= createFaceEngine())).detect(...args),
  count: async (...args) => (await (faceEngine ??= createFaceEngine())).count(...args),
};

export default async function runTask(task: PoolTask): Promise<PoolResults[PoolTask['type']]> {
  switch (task.type) {
    case 'inspect':
      return inspectUpload(asBuffer(task.bytes), task.limits);
    case 'mrz_line':
      return readMrzLine(asBuffer(task.bytes), ocr.mrzLine);
    case 'process': {
      const { bytes, ...rest } = task.document;
      const document = { ...rest, bytes: asBuffer(bytes) };
      const now = new Date(task.now);
      return runPipeline(document, { limits: task.limits, now: () => now, ocr, face }, { faultDelayMs: task.faultDelayMs });
    }
  }
}
