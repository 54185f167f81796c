// What runs inside a piscina worker thread: CPU-heavy pipeline code only.
// Each task names its kind; inputs and results are plain, cloneable data.
import { createFaceEngine, type FaceEngine } from '../models/face.ts';
import { createTextDetector } from '../models/text-detector.ts';
import { createMrzBlockReader, createMrzLineReader, createTextReader } from '../models/tesseract.ts';
import { inspectUpload, type IntakeLimits, type IntakeResult } from '../pipeline/intake/index.ts';
import type { MrzLocator } from '../pipeline/mrz/index.ts';
import { readMrzLine, type MrzLineResult } from '../pipeline/mrz/read-line.ts';
import { runPipeline, type CheckRecord, type FaultOptions } from '../pipeline/stages.ts';
import { judgeChallenge, matchSession, type JudgedChallenge, type MatchSession } from '../pipeline/face/session.ts';
import type { ChallengeStep } from '../pipeline/liveness/challenge.ts';
import { normalize } from '../pipeline/normalize/index.ts';
import type { AcceptedType, DocumentKind, StageContext, UploadedDocument } from '../pipeline/types.ts';
import { TESSERACT_RECYCLE_AFTER, warm } from './warm-engine.ts';

export type PoolTask =
  | { type: 'inspect'; bytes: Uint8Array; limits: IntakeLimits }
  /** Loads every engine of the thread that runs it. */
  | { type: 'warm_up' }
  | { type: 'mrz_line'; bytes: Uint8Array }
  | { type: 'match'; document: Upload; selfies: Upload[]; challenge: ChallengeStep[]; limits: StageContext['limits'] }
  | { type: 'challenge'; frames: Upload[]; steps: ChallengeStep[]; limits: StageContext['limits'] }
  | {
      type: 'process';
      document: Omit<UploadedDocument, 'bytes'> & { bytes: Uint8Array };
      limits: StageContext['limits'];
      now: string;
      faults: FaultOptions;
      mrzLocators?: readonly MrzLocator[];
    };

/** A file as intake judged it. */
type Upload = { contentType: AcceptedType; bytes: Uint8Array };

export interface PoolResults {
  warm_up: void;
  inspect: IntakeResult;
  mrz_line: MrzLineResult;
  match: MatchSession;
  challenge: JudgedChallenge;
  process: CheckRecord[];
}

/** Structured clone delivers Uint8Arrays: view them as Buffers without copying. */
const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

const recycled = { recycleAfter: TESSERACT_RECYCLE_AFTER };
/**
 * Two copies of the engines a stage calls several times at once (an MRZ's lines,
 * a form's values): on an idle machine a document's reads use both cores.
 */
const twice = { ...recycled, copies: 2 };
const ocr = {
  mrzLine: warm(createMrzLineReader, twice),
  mrzBlock: warm(createMrzBlockReader, recycled),
  textBoxes: warm(createTextDetector),
  latin: warm(() => createTextReader('eng'), twice),
  cyrillic: warm(() => createTextReader('rus'), recycled),
};

// The face models load on the first face stage this thread runs, once.
let faceEngine: Promise<FaceEngine> | undefined;
const face: FaceEngine = {
  detect: async (...args) => (await (faceEngine ??= createFaceEngine())).detect(...args),
  bestScore: async (...args) => (await (faceEngine ??= createFaceEngine())).bestScore(...args),
  antiSpoof: async (...args) => (await (faceEngine ??= createFaceEngine())).antiSpoof(...args),
};

const pagesOf = async (upload: Upload, kind: DocumentKind, limits: StageContext['limits']) =>
  (await normalize({ kind, ...upload, bytes: asBuffer(upload.bytes) }, { limits })).pages;

export default async function runTask(task: PoolTask): Promise<PoolResults[PoolTask['type']]> {
  switch (task.type) {
    case 'warm_up':
      await Promise.all([...Object.values(ocr).map((engine) => engine.prepare()), (faceEngine ??= createFaceEngine())]);
      return;
    case 'inspect':
      return inspectUpload(asBuffer(task.bytes), task.limits);
    case 'mrz_line':
      return readMrzLine(asBuffer(task.bytes), ocr.mrzLine);
    case 'match': {
      const document = await pagesOf(task.document, 'passport', task.limits);
      const selfies = await Promise.all(task.selfies.map((selfie) => pagesOf(selfie, 'selfie', task.limits)));
      return matchSession(document, selfies, task.challenge, face);
    }
    case 'challenge': {
      const frames = await Promise.all(task.frames.map((frame) => pagesOf(frame, 'selfie', task.limits)));
      return judgeChallenge(frames, task.steps, face);
    }
    case 'process': {
      const { bytes, ...rest } = task.document;
      const document = { ...rest, bytes: asBuffer(bytes) };
      const now = new Date(task.now);
      return runPipeline(
        document,
        { limits: task.limits, now: () => now, ocr, face, mrzLocators: task.mrzLocators },
        task.faults,
      );
    }
  }
}
