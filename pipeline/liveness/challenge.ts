// The active check: the portal asks the applicant to move (turn the head left,
// then right, …) and sends the frames. A replayed photo cannot follow the
// instructions; a different person cannot be swapped in between frames; a
// frame of a screen or a print fails the passive check of each frame.
import type { ReasonCode, ReasonParams } from '../../core/reasons.ts';
import { MATCH_BANDS, descriptorDistance } from '../face/index.ts';

export type ChallengeStep = 'left' | 'right' | 'up' | 'down';
export const CHALLENGE_STEPS: readonly ChallengeStep[] = ['left', 'right', 'up', 'down'];

/**
 * How each step moves the head between two frames, radians. From the camera:
 * turning left lowers yaw, looking up lowers pitch (Human's conventions, checked
 * on mirrored photos). 0.12 rad ≈ 7°, well above the frame-to-frame jitter of
 * a still head (< 0.02).
 */
const MOVES: Record<ChallengeStep, { angle: 'yaw' | 'pitch'; sign: -1 | 1; ru: string }> = {
  left: { angle: 'yaw', sign: -1, ru: 'поверните голову влево' },
  right: { angle: 'yaw', sign: 1, ru: 'поверните голову вправо' },
  up: { angle: 'pitch', sign: -1, ru: 'посмотрите вверх' },
  down: { angle: 'pitch', sign: 1, ru: 'посмотрите вниз' },
};
const MIN_MOVE = 0.12;

/**
 * A random sequence of `count` steps from `allowed`, never the same step twice
 * in a row (each step must be a visible change from the last pose).
 */
export function drawSteps(
  allowed: readonly ChallengeStep[],
  count: number,
  randomInt: (below: number) => number,
): ChallengeStep[] {
  const steps: ChallengeStep[] = [];
  while (steps.length < count) {
    const choices = allowed.filter((step) => step !== steps.at(-1));
    steps.push(choices[randomInt(choices.length)]!);
  }
  return steps;
}

export interface ChallengeFrame {
  faces: number;
  descriptor?: number[];
  angles?: { yaw: number; pitch: number };
  /** The passive liveness check's attack reason, when the frame is not live. */
  attack?: string;
}

export type ChallengeReason = Extract<
  ReasonCode,
  'challenge_frames_invalid' | 'challenge_frame_not_live' | 'challenge_person_changed' | 'challenge_step_missed'
>;
export interface ChallengeProblem {
  code: ChallengeReason;
  params: ReasonParams;
}

export interface ChallengeResult {
  passed: boolean;
  /** Why not: the first problem decides the reason, the others are kept for reviewers. */
  problems: ChallengeProblem[];
  /** The largest distance between any two frames' descriptors. */
  identitySpread: number;
  moves: { step: ChallengeStep; change: number; ok: boolean }[];
}

/** Frame 0 is the starting pose; frame i + 1 must show step i. Problems in the order the reasons rank. */
export function checkChallenge(frames: ChallengeFrame[], steps: ChallengeStep[]): ChallengeResult {
  const problems: ChallengeProblem[] = [];
  if (frames.length !== steps.length + 1) {
    problems.push({
      code: 'challenge_frames_invalid',
      params: { detail: `expected ${steps.length + 1} frames for ${steps.length} step(s), got ${frames.length}` },
    });
  }
  frames.forEach((frame, i) => {
    if (frame.faces !== 1)
      problems.push({
        code: 'challenge_frames_invalid',
        params: { detail: `frame ${i}: ${frame.faces} faces, expected exactly one` },
      });
  });
  frames.forEach((frame, i) => {
    if (frame.attack) problems.push({ code: 'challenge_frame_not_live', params: { frame: i, attack: frame.attack } });
  });
  const described = frames.filter((frame) => frame.descriptor);
  let identitySpread = 0;
  for (let a = 0; a < described.length; a++) {
    for (let b = a + 1; b < described.length; b++)
      identitySpread = Math.max(
        identitySpread,
        descriptorDistance(described[a]!.descriptor!, described[b]!.descriptor!),
      );
  }
  if (identitySpread > MATCH_BANDS[0]!.maxDistance)
    problems.push({ code: 'challenge_person_changed', params: { distance: identitySpread.toFixed(2) } });
  const moves = steps.map((step, i) => {
    const [before, after] = [frames[i]?.angles, frames[i + 1]?.angles];
    const { angle, sign, ru } = MOVES[step];
    const change = before && after ? (after[angle] - before[angle]) * sign : 0;
    const ok = change >= MIN_MOVE;
    if (!ok)
      problems.push({
        code: 'challenge_step_missed',
        params: { frame: i + 1, step, stepRu: ru, change: change.toFixed(2) },
      });
    return { step, change: Math.round(change * 1000) / 1000, ok };
  });
  return { passed: problems.length === 0, problems, identitySpread: Math.round(identitySpread * 1000) / 1000, moves };
}
