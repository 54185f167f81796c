// Face engine: @vladmandic/human (detector, 468-point mesh with iris, head
// rotation, the faceres descriptor) and the ResNet-34 face-recognition net
// that @vladmandic/face-api ships (a dlib model, 128-d), both on TensorFlow.js'
// WebAssembly backend and read from node_modules (tfjs cannot read file:// URLs
// by itself, so a load router reads model.json and its weight shards); and the
// MiniFASNet anti-spoof models shipped in models/antispoof (antispoof.ts, on
// onnxruntime). Nothing is fetched. One engine per thread; models load once.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs-core';
import { createAntiSpoof, type AntiSpoofScores } from './antispoof.ts';
import { afterFeeding } from '../core/feeding.ts';
import { fromRoot } from '../core/paths.ts';

const require = createRequire(import.meta.url);
const NODE_MODULES = fromRoot('node_modules');
const HUMAN = path.join(NODE_MODULES, '@vladmandic/human');
const FACE_API_MODELS = path.join(NODE_MODULES, '@vladmandic/face-api/model');
const WASM_DIR = `${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`;

/** The detector sees at most this much (longer side), padded to a square: larger inputs grow the WASM heap for good. */
const DETECT_SIDE = 800;
/** Around a found face, this much image (as a multiple of the face box) is analysed again at full resolution. */
const CONTEXT = 0.8;
const ANALYSE_SIDE = 512;
/** Size of the aligned chip the ResNet reads (dlib's face chip). */
export const CHIP_SIZE = 150;

export interface RgbImage {
  width: number;
  height: number;
  /** 8-bit RGB, row by row. */
  data: Buffer;
}

type Point = [number, number];

export interface FaceObservation {
  /** x, y, width, height in the image's pixels. */
  box: [number, number, number, number];
  /** Detector confidence and mesh confidence, 0–1. */
  score: number;
  meshScore: number;
  /** Head rotation, radians. */
  angles: { yaw: number; pitch: number; roll: number };
  landmarks: { leftEye: Point; rightEye: Point; mouth: Point };
  /** Eye opening: eyelid gap over eye width, per eye. */
  eyeOpening: [number, number];
  /** Regions for occlusion checks, as points of the mesh (image pixels). */
  regions: { eyes: Point[]; mouth: Point[]; cheeks: Point[] };
  /** ResNet descriptor (128-d) of the aligned chip. */
  descriptor: number[];
  /** Human's faceres descriptor (1024-d), when asked for. */
  faceres?: number[];
  /** The aligned chip as PNG, for reviewers. */
  chip: Buffer;
}

export interface FaceEngine {
  /** Upright faces in the image, largest first. `thorough` also searches tiles (a small portrait on a page). */
  detect(image: RgbImage, options?: { thorough?: boolean }): Promise<FaceObservation[]>;
  /** The detector's best face score (0 without a face), without analysing the face: which way up a page is. */
  bestScore(image: RgbImage, options?: { thorough?: boolean }): Promise<number>;
  /** The passive anti-spoof models' scores for a face box (MiniFASNet, antispoof.ts). */
  antiSpoof(image: RgbImage, box: FaceObservation['box']): Promise<AntiSpoofScores>;
}

interface HumanFace {
  box: [number, number, number, number];
  score: number;
  faceScore: number;
  annotations: Record<string, [number, number, number?][]>;
  embedding?: number[];
  rotation?: { angle: { yaw: number; pitch: number; roll: number } } | null;
}

interface Human {
  load(): Promise<void>;
  detect(input: tf.Tensor3D): Promise<{ face: HumanFace[] }>;
}

interface RecognitionNet {
  loadFromDisk(dir: string): Promise<void>;
  computeFaceDescriptor(input: tf.Tensor3D): Promise<Float32Array>;
}

function registerFileLoader(): void {
  // A router answers null for URLs that are not its own (the type says otherwise).
  const router = (url: string | string[]) => {
    if (typeof url !== 'string' || !url.startsWith('file://')) return null;
    const file = url.slice('file://'.length);
    return {
      load: async () =>
        tf.io.getModelArtifactsForJSON(JSON.parse(await fs.promises.readFile(file, 'utf8')), async (manifest) => {
          const shards = await Promise.all(manifest.flatMap((group) => group.paths.map((p) => fs.promises.readFile(path.join(path.dirname(file), p)))));
          const weights = Buffer.concat(shards);
          return [manifest.flatMap((group) => group.weights), weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength)];
        }),
    };
  };
  tf.io.registerLoadRouter(router as Parameters<typeof tf.io.registerLoadRouter>[0]);
}

const mean = (points: Point[]): Point => [points.reduce((s, p) => s + p[0], 0) / points.length, points.reduce((s, p) => s + p[1], 0) / points.length];
const distance = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** Samples an aligned face chip: eyes level, the eye–mouth triangle at dlib's proportions (face-api's alignment box). */
function alignedChip(image: RgbImage, leftEye: Point, rightEye: Point, mouth: Point): Buffer {
  const centre = mean([leftEye, rightEye, mouth]);
  const box = distance(mean([leftEye, rightEye]), mouth) / 0.45;
  const angle = Math.atan2(rightEye[1] - leftEye[1], rightEye[0] - leftEye[0]);
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  const out = Buffer.alloc(CHIP_SIZE * CHIP_SIZE * 3);
  const { width, data } = image;
  for (let v = 0; v < CHIP_SIZE; v++) {
    for (let u = 0; u < CHIP_SIZE; u++) {
      const du = (u / CHIP_SIZE - 0.5) * box;
      const dv = (v / CHIP_SIZE - 0.43) * box;
      const x = centre[0] + du * cos - dv * sin;
      const y = centre[1] + du * sin + dv * cos;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      if (x0 < 0 || y0 < 0 || x0 >= image.width - 1 || y0 >= image.height - 1) continue;
      const [fx, fy] = [x - x0, y - y0];
      for (let c = 0; c < 3; c++) {
        const i = (y0 * width + x0) * 3 + c;
        const top = data[i]! + (data[i + 3]! - data[i]!) * fx;
        const bottom = data[i + width * 3]! + (data[i + width * 3 + 3]! - data[i + width * 3]!) * fx;
        out[(v * CHIP_SIZE + u) * 3 + c] = Math.round(top + (bottom - top) * fy);
      }
    }
  }
  return out;
}

const raw = (image: RgbImage) => sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });

async function crop(image: RgbImage, region: { left: number; top: number; width: number; height: number }): Promise<RgbImage> {
  const data = await raw(image).extract(region).raw().toBuffer();
  return { width: region.width, height: region.height, data };
}

export async function createFaceEngine(options: { faceres?: boolean } = {}): Promise<FaceEngine> {
  const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
  setWasmPaths(WASM_DIR);
  registerFileLoader();
  // The package's `exports` lack a subpath for the WASM build: load it by path.
  const { Human: HumanClass } = require(path.join(HUMAN, 'dist/human.node-wasm.js')) as { Human: new (config: object) => Human };
  const human = new HumanClass({
    backend: 'wasm',
    wasmPath: WASM_DIR,
    modelBasePath: `file://${path.join(HUMAN, 'models')}/`,
    // Otherwise a frame like the previous one returns the previous result.
    cacheSensitivity: 0,
    debug: false,
    face: {
      enabled: true,
      detector: { rotation: false, maxDetected: 5, minConfidence: 0.3, return: false },
      mesh: { enabled: true },
      iris: { enabled: true },
      description: { enabled: options.faceres ?? false },
      emotion: { enabled: false },
      // Human's own anti-spoof and liveness models passed real screen and print attacks (bench, spoof-dev): MiniFASNet does that job.
      antispoof: { enabled: false },
      liveness: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
    filter: { enabled: false },
  });
  await human.load();
  const faceApi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as { nets: { faceRecognitionNet: RecognitionNet } };
  const recognition = faceApi.nets.faceRecognitionNet;
  await recognition.loadFromDisk(FACE_API_MODELS);
  const antiSpoof = await createAntiSpoof();

  /** Human on the image scaled to fit `side` and padded to a square; boxes come back in the image's pixels. */
  async function run(image: RgbImage, side: number): Promise<{ faces: HumanFace[]; scale: number }> {
    const scale = Math.min(1, side / Math.max(image.width, image.height));
    const [w, h] = [Math.max(1, Math.round(image.width * scale)), Math.max(1, Math.round(image.height * scale))];
    const size = Math.max(w, h);
    const pixels = await raw(image).resize(w, h).extend({ right: size - w, bottom: size - h, background: '#000000' }).raw().toBuffer();
    // A run holds the thread: images being cut for the OCR workers are handed over first.
    await afterFeeding();
    const input = tf.tensor3d(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.length), [size, size, 3], 'int32');
    try {
      return { faces: (await human.detect(input)).face, scale };
    } finally {
      input.dispose();
    }
  }

  async function observe(image: RgbImage, found: HumanFace, scale: number): Promise<FaceObservation | undefined> {
    const [bx, by, bw, bh] = found.box.map((v) => v / scale) as [number, number, number, number];
    const pad = Math.max(bw, bh) * CONTEXT;
    const left = Math.max(0, Math.round(bx - pad));
    const top = Math.max(0, Math.round(by - pad));
    const region = { left, top, width: Math.min(image.width - left, Math.round(bw + 2 * pad)), height: Math.min(image.height - top, Math.round(bh + 2 * pad)) };
    const context = await crop(image, region);
    const second = await run(context, ANALYSE_SIDE);
    const face = second.faces.sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3])[0];
    if (!face) return undefined;
    // Points of the context crop, back in the whole image's pixels.
    const toImage = (p: [number, number, number?]): Point => [p[0] / second.scale + left, p[1] / second.scale + top];
    const group = (name: string) => (face.annotations[name] ?? []).map(toImage);
    const eyeCentre = (side: 'left' | 'right') => group(`${side}EyeIris`)[0] ?? mean(group(`${side}EyeLower0`));
    const opening = (side: 'left' | 'right') => {
      const upper = group(`${side}EyeUpper0`);
      const lower = group(`${side}EyeLower0`);
      if (upper.length < 3 || lower.length < 3) return 0;
      const width = distance(lower[0]!, lower.at(-1)!);
      return width > 0 ? distance(mean(upper.slice(2, -2)), mean(lower.slice(2, -2))) / width : 0;
    };
    let [leftEye, rightEye] = [eyeCentre('left'), eyeCentre('right')];
    if (leftEye[0] > rightEye[0]) [leftEye, rightEye] = [rightEye, leftEye];
    const mouth = mean([...group('lipsUpperOuter'), ...group('lipsLowerOuter')]);
    const chipPixels = alignedChip(image, leftEye, rightEye, mouth);
    const chipTensor = tf.tensor3d(new Uint8Array(chipPixels.buffer, chipPixels.byteOffset, chipPixels.length), [CHIP_SIZE, CHIP_SIZE, 3], 'int32');
    // The descriptor of the chip and of its mirror image, averaged: faces-dev's same-person
    // pairs with one photo printed small and grey, like a passport portrait, went 66 → 76 of 90
    // approved and 1 → 0 declined, different persons still none approved (npm run bench, part 4).
    const mirrored = tf.reverse(chipTensor, 1);
    let descriptor: number[];
    try {
      const [plain, mirror] = [
        await recognition.computeFaceDescriptor(chipTensor),
        await recognition.computeFaceDescriptor(mirrored),
      ];
      descriptor = Array.from(plain, (value, i) => (value + mirror[i]!) / 2);
    } finally {
      chipTensor.dispose();
      mirrored.dispose();
    }
    const [fx, fy, fw, fh] = face.box;
    return {
      box: [fx / second.scale + left, fy / second.scale + top, fw / second.scale, fh / second.scale].map((v) => Math.round(v)) as FaceObservation['box'],
      score: face.score,
      meshScore: face.faceScore,
      angles: face.rotation?.angle ?? { yaw: 0, pitch: 0, roll: 0 },
      landmarks: { leftEye, rightEye, mouth },
      eyeOpening: [opening('left'), opening('right')],
      regions: {
        eyes: [...group('leftEyeLower0'), ...group('leftEyeUpper0'), ...group('rightEyeLower0'), ...group('rightEyeUpper0')],
        mouth: [...group('lipsUpperOuter'), ...group('lipsLowerOuter')],
        cheeks: [...group('leftCheek'), ...group('rightCheek')],
      },
      descriptor,
      ...(face.embedding?.length ? { faceres: [...face.embedding] } : {}),
      chip: await sharp(chipPixels, { raw: { width: CHIP_SIZE, height: CHIP_SIZE, channels: 3 } }).png().toBuffer(),
    };
  }

  /** Overlapping tiles of the image: a passport-photo-sized face on a whole scanned page is too small for the detector. */
  const tiles = (image: RgbImage) =>
    [0, 0.4].flatMap((fy) =>
      [0, 0.4].map((fx) => ({
        left: Math.round(image.width * fx),
        top: Math.round(image.height * fy),
        width: Math.round(image.width * 0.6),
        height: Math.round(image.height * 0.6),
      })),
    );

  /** Faces of the whole image, or (thorough) of the first tile that has any; boxes shifted to the image. */
  async function find(image: RgbImage, thorough: boolean): Promise<{ faces: HumanFace[]; scale: number; origin: { left: number; top: number } }> {
    const whole = await run(image, DETECT_SIDE);
    if (whole.faces.length || !thorough) return { ...whole, origin: { left: 0, top: 0 } };
    for (const tile of tiles(image)) {
      const found = await run(await crop(image, tile), DETECT_SIDE);
      if (found.faces.length) return { ...found, origin: tile };
    }
    return { ...whole, origin: { left: 0, top: 0 } };
  }

  return {
    antiSpoof: (image, box) => antiSpoof.read(image, box),
    async bestScore(image, { thorough = false } = {}) {
      return Math.max(0, ...(await find(image, thorough)).faces.map((face) => face.score));
    },
    async detect(image, { thorough = false } = {}) {
      const { faces, scale, origin } = await find(image, thorough);
      const observations: FaceObservation[] = [];
      // One at a time: the engine holds one model state.
      for (const face of faces) {
        const shifted = { ...face, box: [face.box[0] + origin.left * scale, face.box[1] + origin.top * scale, face.box[2], face.box[3]] as HumanFace['box'] };
        const observation = await observe(image, shifted, scale);
        if (observation) observations.push(observation);
      }
      return observations.sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3]);
    },
  };
}
