// Liveness of a selfie: is it a live capture, or a photo of a screen or of a
// print? The measurements of signals.ts and Human's own scores are walked
// through a table of rules. Thresholds were tuned on genuine selfies and the
// screen-replay family (A) of the corpus only; the printed-photo family (B) is
// held back to report on (`npm run bench`). A strong rule decides alone; weak
// rules (cues that real scenes can show too) decide only together.
import type { FaceObservation, RgbImage } from '../../models/face.ts';
import type { ReasonCode } from '../../core/reasons.ts';
import type { StageVerdict } from '../types.ts';
import { livenessSignals, type LivenessSignals } from './signals.ts';

export interface LivenessInputs extends LivenessSignals {
  /** Human's anti-spoof and liveness model scores (0 when no face was found). */
  real: number;
  live: number;
}

type AttackReason = Extract<ReasonCode, 'screen_replay' | 'printed_photo'>;

interface LivenessRule {
  signal: keyof LivenessInputs;
  /** The signal counts as attack evidence beyond this value (above, or below when `below`). */
  threshold: number;
  below?: boolean;
  strength: 'strong' | 'weak';
  /** What the evidence says the attack is, given all signals. */
  reason(signals: LivenessInputs): AttackReason;
  /** Measured range on genuine selfies and on family A, for the record. */
  measured: string;
}

/** Dot screens leave peaks in several directions, and ink on paper never reaches black: a print. */
const printOrScreen = (s: LivenessInputs): AttackReason => (s.halftone > 30 || s.blackLevel > 45 ? 'printed_photo' : 'screen_replay');

export const LIVENESS_RULES: readonly LivenessRule[] = [
  { signal: 'periodicity', threshold: 30, strength: 'strong', reason: printOrScreen, measured: 'genuine 4–11, A 119–193' },
  { signal: 'enclosure', threshold: 2.5, strength: 'strong', reason: printOrScreen, measured: 'genuine 0, A 1–4 sides' },
  { signal: 'blackLevel', threshold: 45, strength: 'strong', reason: () => 'printed_photo', measured: 'genuine 8–34 (A 13: the bezel is black)' },
  { signal: 'enclosure', threshold: 0.5, strength: 'weak', reason: printOrScreen, measured: 'genuine 0' },
  { signal: 'coldCast', threshold: -50, strength: 'weak', reason: printOrScreen, measured: 'genuine −83…−60, A −39…−26' },
  { signal: 'live', threshold: 0.5, below: true, strength: 'weak', reason: printOrScreen, measured: 'genuine 0.87–1, A 0.17–0.99' },
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

export function decideLiveness(signals: LivenessInputs): LivenessDecision {
  const fired = LIVENESS_RULES.filter((rule) => evidence(rule, signals[rule.signal]) > 0);
  const strong = fired.filter((rule) => rule.strength === 'strong');
  const weak = fired.filter((rule) => rule.strength === 'weak');
  const attack = strong.length > 0 || weak.length >= 2;
  const deciding = strong.length ? strong : attack ? weak : [];
  const strongest = Math.max(0, ...strong.map((rule) => evidence(rule, signals[rule.signal])), ...weak.map((rule) => evidence(rule, signals[rule.signal]) / 2));
  return {
    score: Math.round((1 - strongest) * 1000) / 1000,
    decision: attack ? 'attack' : 'live',
    reasons: [...new Set(deciding.map((rule) => rule.reason(signals)))],
    fired: fired.map((rule) => ({ signal: rule.signal, strength: rule.strength, value: Math.round(signals[rule.signal] * 100) / 100 })),
  };
}

/** The face to analyse, or the middle of the image when the detector found none (halftone can hide a face from it). */
const analysisBox = (image: RgbImage, face: FaceObservation | undefined): [number, number, number, number] =>
  face?.box ?? [Math.round(image.width / 4), Math.round(image.height / 4), Math.round(image.width / 2), Math.round(image.height / 2)];

export function assessLiveness(image: RgbImage, faces: FaceObservation[]): StageVerdict & { liveness: LivenessDecision } {
  const [face] = faces;
  const signals: LivenessInputs = { ...livenessSignals(image, analysisBox(image, face)), real: face?.real ?? 0, live: face?.live ?? 0 };
  const liveness = decideLiveness(signals);
  const rounded = Object.fromEntries(Object.entries(signals).map(([k, v]) => [k, Math.round(v * 100) / 100]));
  const details = { signals: rounded, ...liveness };
  if (liveness.decision === 'live') return { outcome: 'pass', score: liveness.score, details, liveness };
  return { outcome: 'fail', reasonCode: liveness.reasons[0] ?? 'screen_replay', score: liveness.score, details, liveness };
}
