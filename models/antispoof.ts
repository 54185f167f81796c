// Passive face anti-spoofing: Silent-Face's MiniFASNetV2 and MiniFASNetV1SE
// (minivision-ai, Apache-2.0; ONNX conversions from yakhyo/face-anti-spoofing,
// licence in ./antispoof/LICENSE), run with onnxruntime-node's bundled CPU
// runtime. Each model sees the face box enlarged by its own scale (more
// context for V1SE: a screen's bezel, a print's edge), as 80×80 BGR, raw 0–255,
// and answers three logits; index 1 is "real".
import sharp from 'sharp';
import * as ort from 'onnxruntime-node';
import type { RgbImage } from './face.ts';
import { fromRoot } from '../core/paths.ts';

const INPUT_SIDE = 80;
const MODELS = [
  { name: 'v2', file: 'MiniFASNetV2.onnx', scale: 2.7 },
  { name: 'v1se', file: 'MiniFASNetV1SE.onnx', scale: 4.0 },
] as const;

/** Each model's probability that the face is a live one, 0–1. */
export type AntiSpoofScores = Record<(typeof MODELS)[number]['name'], number>;

type Box = [number, number, number, number];

/**
 * The face box scaled about its centre — less when the image is too small —
 * and shifted back inside the image rather than cut (Silent-Face's crop, which
 * the models were trained on).
 */
export function contextBox(width: number, height: number, [x, y, w, h]: Box, wanted: number): Box {
  const scale = Math.min((height - 1) / h, (width - 1) / w, wanted);
  const [cw, ch] = [w * scale, h * scale];
  let [left, top] = [x + w / 2 - cw / 2, y + h / 2 - ch / 2];
  left = Math.min(Math.max(0, left), width - 1 - cw);
  top = Math.min(Math.max(0, top), height - 1 - ch);
  return [Math.round(left), Math.round(top), Math.max(1, Math.round(cw)), Math.max(1, Math.round(ch))];
}

export interface AntiSpoof {
  read(image: RgbImage, face: Box): Promise<AntiSpoofScores>;
}

export async function createAntiSpoof(): Promise<AntiSpoof> {
  const sessions = await Promise.all(
    MODELS.map(async (model) => ({
      ...model,
      session: await ort.InferenceSession.create(fromRoot('models', 'antispoof', model.file), { intraOpNumThreads: 1, interOpNumThreads: 1 }),
    })),
  );
  return {
    async read(image, face) {
      const scores = {} as AntiSpoofScores;
      for (const { name, scale, session } of sessions) {
        const [left, top, width, height] = contextBox(image.width, image.height, face, scale);
        const pixels = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
          .extract({ left, top, width, height })
          .resize(INPUT_SIDE, INPUT_SIDE, { fit: 'fill' })
          .raw()
          .toBuffer();
        const plane = INPUT_SIDE * INPUT_SIDE;
        const tensor = new Float32Array(3 * plane);
        // RGB pixels into B, G, R planes.
        for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) tensor[c * plane + i] = pixels[i * 3 + (2 - c)]!;
        const result = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', tensor, [1, 3, INPUT_SIDE, INPUT_SIDE]) });
        const logits = Array.from(result[session.outputNames[0]!]!.data as Float32Array);
        const top1 = Math.max(...logits);
        const exp = logits.map((v) => Math.exp(v - top1));
        scores[name] = exp[1]! / exp.reduce((a, b) => a + b, 0);
      }
      return scores;
    },
  };
}
