// Liveness of a selfie: is it a live capture, or a photo of a screen or of a
// print? The pixel measurements of signals.ts and the MiniFASNet anti-spoof
// models' score are walked through a table of rules. Calibrated on the real
// sets (../shared/datasets/spoof-dev: screen replays, prints, genuine captures;
// faces-dev: genuine photos) and the corpus's synthetic families; `npm run
// bench` reports APCER/BPCER on each. A strong rule decides alone; weak rules
// (cues that real scenes can show too) decide only together. Colour cues and
// the colour-trained models stay silent on a grey image.
import type { FaceEngine, FaceObservation, RgbImage } from '../../models/face.ts';
import type { ReasonCode } from '../../core/reasons.ts';
import type { StageVerdict } from '../types.ts';
import { livenessSignals, type LivenessSignals } from './signals.ts';

export interface LivenessInputs extends LivenessSignals {
  /** MiniFASNet V2 and V1SE, each on its own context around the face: the mean probability of a live face (Silent-Face's fusion). */
  antiSpoof: number;
}

type AttackReason = Extract<ReasonCode, 'screen_replay' | 'printed_photo'>;

export interface LivenessRule {
  signal: keyof LivenessInputs;
  /** The signal counts as attack evidence beyond this value (above, or below when `below`). */
  threshold: number;
  below?: boolean;
  strength: 'strong' | 'weak';
  /** Only where the face has colour (`colour` ≥ COLOUR_MIN): a grey image has no colour cast, and the models learnt on colour frames. */
  needsColour?: boolean;
  /** What the evidence says the attack is, given all signals. */
  reason(signals: LivenessInputs): AttackReason;
  /** Measured ranges (genuine: spoof-dev, faces-dev, synthetic; attacks), for the record. */
  measured: string;
}

/** Below this channel spread the face is grey: faces-dev's grey TV stills measure 0, every colour capture ≥ 16. */
const COLOUR_MIN = 4;

/** Dot screens leave peaks in several directions, and ink on paper never reaches black: a print. */
const printOrScreen = (s: LivenessInputs): AttackReason =>
  s.halftone > 30 || s.blackLevel > 45 ? 'printed_photo' : 'screen_replay';

export const LIVENESS_RULES: readonly LivenessRule[] = [
  {
    signal: 'periodicity',
    threshold: 30,
    strength: 'strong',
    reason: printOrScreen,
    measured: 'genuine 4–21; synthetic screen 128–211, print 86–132; spoof-dev ≤ 10 but one replay 48',
  },
  {
    signal: 'enclosure',
    threshold: 2.5,
    strength: 'strong',
    reason: printOrScreen,
    measured:
      'genuine 0–1 sides; spoof-dev prints and tablet 3–4 (one print small in a sleeve), synthetic screen 4, print 2–4',
  },
  {
    signal: 'antiSpoof',
    threshold: 0.4,
    below: true,
    strength: 'strong',
    needsColour: true,
    reason: printOrScreen,
    measured: 'genuine colour ≥ 0.52; spoof-dev attacks it catches ≤ 0.27, synthetic ≤ 0.17',
  },
  {
    signal: 'blackLevel',
    threshold: 45,
    strength: 'strong',
    needsColour: true,
    reason: () => 'printed_photo',
    measured: 'genuine colour 2–35; prints 51–93 (one in a sleeve 24)',
  },
  {
    signal: 'blackLevel',
    threshold: 45,
    strength: 'weak',
    reason: () => 'printed_photo',
    measured: 'grey TV stills 1–63',
  },
  { signal: 'enclosure', threshold: 0.5, strength: 'weak', reason: printOrScreen, measured: 'genuine 0–1' },
  {
    signal: 'coldCast',
    threshold: -50,
    strength: 'weak',
    needsColour: true,
    reason: printOrScreen,
    measured: 'genuine −118…−16, screens −72…−13',
  },
];

/** Evidence of one rule: 0 at its threshold, 1 at twice the distance from the genuine side. */
function evidence(rule: LivenessRule, value: number): number {
  const beyond = rule.below ? rule.threshold - value : value - rule.threshold;
  return beyond > 0 ? Math.min(1, beyond / Math.max(Math.abs(rule.threshold), 1) + 0.5) : 0;
}

export interface LivenessDecision {
  /** 1 for a clearly live capture, toward 0 with attack evidence. */
  score: number;
  decision: 'live' | 'attack';
  reasons: AttackReason[];
  fired: { signal: keyof LivenessInputs; strength: 'strong' | 'weak'; value: number }[];
}

export function decideLiveness(
  signals: LivenessInputs,
  rules: readonly LivenessRule[] = LIVENESS_RULES,
): LivenessDecision {
  const fired = rules
    .filter((rule) => !rule.needsColour || signals.colour >= COLOUR_MIN)
    .filter((rule) => evidence(rule, signals[rule.signal]) > 0);
  const strong = fired.filter((rule) => rule.strength === 'strong');
  const weak = fired.filter((rule) => rule.strength === 'weak');
  const attack = strong.length > 0 || weak.length >= 2;
  const deciding = strong.length ? strong : attack ? weak : [];
  const strongest = Math.max(
    0,
    ...strong.map((rule) => evidence(rule, signals[rule.signal])),
    ...weak.map((rule) => evidence(rule, signals[rule.signal]) / 2),
  );
  return {
    score: Math.round((1 - strongest) * 1000) / 1000,
    decision: attack ? 'attack' : 'live',
    reasons: [...new Set(deciding.map((rule) => rule.reason(signals)))],
    fired: fired.map((rule) => ({
      signal: rule.signal,
      strength: rule.strength,
      value: Math.round(signals[rule.signal] * 100) / 100,
    })),
  };
}

/** The face to analyse, or the middle of the image when the detector found none (halftone can hide a face from it). */
const analysisBox = (image: RgbImage, face: FaceObservation | undefined): [number, number, number, number] =>
  face?.box ?? [
    Math.round(image.width / 4),
    Math.round(image.height / 4),
    Math.round(image.width / 2),
    Math.round(image.height / 2),
  ];

/** Every input of the rules for the selfie's largest face: the pixel signals and the models' scores. */
export async function livenessInputs(
  image: RgbImage,
  faces: FaceObservation[],
  engine: Pick<FaceEngine, 'antiSpoof'>,
): Promise<LivenessInputs> {
  const box = analysisBox(image, faces[0]);
  const { v2, v1se } = await engine.antiSpoof(image, box);
  return { ...livenessSignals(image, box), antiSpoof: (v2 + v1se) / 2 };
}

export async function assessLiveness(
  image: RgbImage,
  faces: FaceObservation[],
  engine: Pick<FaceEngine, 'antiSpoof'>,
): Promise<StageVerdict & { liveness: LivenessDecision }> {
  const signals = await livenessInputs(image, faces, engine);
  const liveness = decideLiveness(signals);
  const rounded = Object.fromEntries(Object.entries(signals).map(([k, v]) => [k, Math.round(v * 100) / 100]));
  const details = { signals: rounded, ...liveness };
  if (liveness.decision === 'live') return { outcome: 'pass', score: liveness.score, details, liveness };
  return {
    outcome: 'fail',
    reasonCode: liveness.reasons[0] ?? 'screen_replay',
    score: liveness.score,
    details,
    liveness,
  };
}
