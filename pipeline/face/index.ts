// Faces: the portrait on a passport or residence permit, the selfie's own
// face and whether it is fit to compare (one face, large, frontal, eyes open,
// nothing over it), and the comparison of the two. Each rule is a row; the
// thresholds beside them were measured on the shared faces and the fixture
// corpus (`npm run bench` prints the figures).
import type { FaceEngine, FaceObservation, RgbImage } from '../../models/face.ts';
import type { ReasonCode } from '../../core/reasons.ts';
import type { NormalizedPage } from '../normalize/index.ts';
import type { StageVerdict } from '../types.ts';
import sharp from 'sharp';
import { reviewerView } from '../artifacts.ts';

/** What a face stage keeps of a face: enough to compare it later and to show it. */
export interface FaceFact {
  descriptor: number[];
  box: [number, number, number, number];
  page: number;
  /** Clockwise turn of the page at which the face was upright, degrees. */
  rotation: number;
  angles: FaceObservation['angles'];
}

export type FaceStageResult = StageVerdict & { face?: FaceFact };

const rgbOf = async (page: NormalizedPage, rotation: number): Promise<RgbImage> => {
  const { data, info } = await sharp(page.raster.data, {
    raw: { width: page.raster.width, height: page.raster.height, channels: 3 },
  })
    .rotate(rotation, { background: '#ffffff' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
};

/** Where a face is, for the details reviewers see: its fact without the descriptor (a biometric template stays in `details.descriptor`). */
export const positionOf = (fact: FaceFact) => ({ ...fact, descriptor: undefined });

export const factOf = (face: FaceObservation, page: number, rotation: number): FaceFact => ({
  descriptor: face.descriptor,
  box: face.box,
  page,
  rotation,
  angles: face.angles,
});

/** Quarter turns a page may need; a face detector only reads upright faces. */
const TURNS = [0, 90, 180, 270];

/**
 * The document's portrait: the largest face on its pages. The page is turned
 * the way the MRZ stage found it upright; other pages are turned the way the
 * detector likes best — it also finds an upside-down face, with a lower score,
 * and describes it badly.
 */
export async function extractPortrait(
  pages: NormalizedPage[],
  readablePages: number[],
  known: { page: number; rotation: number } | undefined,
  engine: FaceEngine,
): Promise<FaceStageResult> {
  const ordered = [...pages].sort(
    (a, b) =>
      Number(b.index === known?.page) - Number(a.index === known?.page) ||
      Number(readablePages.includes(b.index)) - Number(readablePages.includes(a.index)),
  );
  const found = async (
    face: FaceObservation,
    image: RgbImage,
    page: number,
    rotation: number,
  ): Promise<FaceStageResult> => {
    const fact = factOf(face, page, rotation);
    const view = await reviewerView(image, 3);
    return {
      outcome: 'pass',
      score: face.score,
      details: { face: positionOf(fact), pageSize: view.size, descriptor: face.descriptor },
      artifacts: { portrait: face.chip, page: view.jpeg },
      face: fact,
    };
  };
  for (const page of ordered) {
    if (known?.page === page.index) {
      const image = await rgbOf(page, known.rotation);
      const [face] = await engine.detect(image, { thorough: true });
      if (face) return found(face, image, page.index, known.rotation);
    }
    const scores: { turn: number; score: number }[] = [];
    for (const turn of TURNS)
      scores.push({ turn, score: await engine.bestScore(await rgbOf(page, turn), { thorough: true }) });
    const best = scores.sort((a, b) => b.score - a.score)[0]!;
    if (best.score === 0) continue;
    const image = await rgbOf(page, best.turn);
    const [face] = await engine.detect(image, { thorough: true });
    if (face) return found(face, image, page.index, best.turn);
  }
  return { outcome: 'fail', reasonCode: 'portrait_not_found', details: {} };
}

/** What the selfie rules read. */
export interface SelfieMeasures {
  faces: number;
  /** Face width over the image's shorter side, and in pixels. */
  faceShare: number;
  faceWidth: number;
  yaw: number;
  pitch: number;
  roll: number;
  /** The less open eye: eyelid gap over eye width. */
  eyeOpening: number;
  /** Eye region over cheek brightness (sunglasses make it dark). */
  eyesToCheeks: number;
  /** Colour distance of the mouth region from the cheeks (a mask or a hand is far from skin). */
  mouthToCheeks: number;
}

interface SelfieRule {
  code: ReasonCode;
  fails(m: SelfieMeasures): boolean;
}

/**
 * In order: the first rule a selfie breaks is its reason. Measured on genuine
 * selfies of the corpus: face share 0.57–0.71, |angles| ≤ 0.2 rad, eye opening
 * 0.20–0.39, eyes/cheeks 0.73–0.99, mouth/cheeks 13–27; on the real genuine
 * photos of faces-dev and spoof-dev (`npm run bench`, liveness part): eyes/cheeks
 * 0.45–0.96 (deep-set eyes, side light), mouth/cheeks 4–118 (beards, lipstick,
 * warm light). Drawn occluders: sunglasses 0.43 eyes/cheeks, a surgical mask 128
 * mouth/cheeks; a 28° head tilt 0.48 rad of roll. The occlusion limits sit
 * between the real genuine photos and the occluders — with little room on either
 * side, so only a clear occluder is refused.
 */
export const SELFIE_RULES: readonly SelfieRule[] = [
  { code: 'face_not_found', fails: (m) => m.faces === 0 },
  { code: 'multiple_faces', fails: (m) => m.faces > 1 },
  { code: 'face_too_small', fails: (m) => m.faceShare < 0.2 || m.faceWidth < 112 },
  {
    code: 'face_not_frontal',
    fails: (m) => Math.abs(m.yaw) > 0.4 || Math.abs(m.pitch) > 0.4 || Math.abs(m.roll) > 0.35,
  },
  { code: 'eyes_closed', fails: (m) => m.eyeOpening < 0.12 },
  { code: 'face_occluded', fails: (m) => m.eyesToCheeks < 0.44 || m.mouthToCheeks > 122 },
];

/** Mean RGB over the box spanned by some mesh points. */
function regionColour(image: RgbImage, points: [number, number][]): [number, number, number] {
  if (points.length === 0) return [0, 0, 0];
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x0, x1] = [Math.max(0, Math.floor(Math.min(...xs))), Math.min(image.width - 1, Math.ceil(Math.max(...xs)))];
  const [y0, y1] = [Math.max(0, Math.floor(Math.min(...ys))), Math.min(image.height - 1, Math.ceil(Math.max(...ys)))];
  const sum = [0, 0, 0];
  let count = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const i = (y * image.width + x) * 3;
      for (let c = 0; c < 3; c++) sum[c]! += image.data[i + c]!;
      count++;
    }
  }
  return sum.map((s) => s / Math.max(1, count)) as [number, number, number];
}

const brightness = ([r, g, b]: [number, number, number]) => 0.299 * r + 0.587 * g + 0.114 * b;

/** A second face counts when it is at least this wide relative to the main one (a document held up shows a small portrait). */
const OTHER_FACE_SHARE = 0.4;

export function selfieMeasures(image: RgbImage, faces: FaceObservation[]): SelfieMeasures {
  const [main] = faces;
  if (!main)
    return {
      faces: 0,
      faceShare: 0,
      faceWidth: 0,
      yaw: 0,
      pitch: 0,
      roll: 0,
      eyeOpening: 0,
      eyesToCheeks: 0,
      mouthToCheeks: 0,
    };
  const cheeks = regionColour(image, main.regions.cheeks);
  const mouth = regionColour(image, main.regions.mouth);
  return {
    faces: faces.filter((face) => face.box[2] >= main.box[2] * OTHER_FACE_SHARE).length,
    faceShare: main.box[2] / Math.min(image.width, image.height),
    faceWidth: main.box[2],
    ...main.angles,
    eyeOpening: Math.min(...main.eyeOpening),
    eyesToCheeks: brightness(regionColour(image, main.regions.eyes)) / Math.max(1, brightness(cheeks)),
    mouthToCheeks: Math.hypot(mouth[0] - cheeks[0], mouth[1] - cheeks[1], mouth[2] - cheeks[2]),
  };
}

/** The selfie's face against the rules, on the faces the liveness stage already found. */
export function assessSelfie(
  image: RgbImage,
  faces: FaceObservation[],
): FaceStageResult & { measures: SelfieMeasures } {
  const measures = selfieMeasures(image, faces);
  const broken = SELFIE_RULES.find((rule) => rule.fails(measures));
  const [main] = faces;
  const round = Object.fromEntries(Object.entries(measures).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
  if (broken || !main)
    return {
      outcome: 'fail',
      reasonCode: broken?.code ?? 'face_not_found',
      params: { faces: measures.faces },
      details: { measures: round },
      measures,
    };
  const fact = factOf(main, 0, 0);
  return {
    outcome: 'pass',
    score: main.score,
    details: { measures: round, face: positionOf(fact), descriptor: main.descriptor },
    artifacts: { selfie: main.chip },
    face: fact,
    measures,
  };
}

/** The selfie as the face engine reads it. */
export const selfieImage = (page: NormalizedPage) => rgbOf(page, 0);

// ---- Matching --------------------------------------------------------------

export type MatchBand = 'approve' | 'review' | 'decline';

/**
 * Bands on the ResNet descriptor distance (Euclidean, 128-d). Measured
 * (`npm run bench`): same person ≤ 0.50, different people ≥ 0.77 on every pair
 * of the shared faces and fixture portraits and selfies; the review band covers
 * the gap with room on both sides.
 */
export const MATCH_BANDS: readonly { band: MatchBand; maxDistance: number }[] = [
  { band: 'approve', maxDistance: 0.56 },
  { band: 'review', maxDistance: 0.68 },
  { band: 'decline', maxDistance: Infinity },
];

export const descriptorDistance = (a: readonly number[], b: readonly number[]) =>
  Math.sqrt(a.reduce((sum, value, i) => sum + (value - b[i]!) ** 2, 0));

export interface FaceMatch {
  distance: number;
  /** 1 − distance, clipped to 0–1: higher is more alike. */
  score: number;
  band: MatchBand;
}

export function matchFaces(a: readonly number[], b: readonly number[]): FaceMatch {
  const distance = descriptorDistance(a, b);
  const { band } = MATCH_BANDS.find((row) => distance <= row.maxDistance)!;
  return {
    distance: Math.round(distance * 1000) / 1000,
    score: Math.round(Math.max(0, Math.min(1, 1 - distance)) * 1000) / 1000,
    band,
  };
}

/** The face check of an application: the selfie against the document portrait, as a stage verdict. */
export function faceCheck(
  portrait: { descriptor: number[] } | undefined,
  selfie: { descriptor: number[] } | undefined,
): StageVerdict {
  if (!selfie) return { outcome: 'unavailable', reasonCode: 'selfie_unusable', details: {} };
  if (!portrait) return { outcome: 'unavailable', reasonCode: 'portrait_not_found', details: {} };
  const match = matchFaces(portrait.descriptor, selfie.descriptor);
  const reasonCode: ReasonCode | undefined =
    match.band === 'decline' ? 'face_mismatch' : match.band === 'review' ? 'face_match_uncertain' : undefined;
  return { outcome: match.band === 'approve' ? 'pass' : 'fail', reasonCode, score: match.score, details: { ...match } };
}
