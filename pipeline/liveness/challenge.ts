// The active check: the portal asks the applicant to move (turn the head left,
// then right, …) and sends the frames. A replayed photo cannot follow the
// instructions; a different person cannot be swapped in between frames.
import { MATCH_BANDS, descriptorDistance } from '../face/index.ts';

export type ChallengeStep = 'left' | 'right' | 'up' | 'down';
export const CHALLENGE_STEPS: readonly ChallengeStep[] = ['left', 'right', 'up', 'down'];

export interface ChallengeFrame {
  faces: number;
  descriptor?: number[];
  angles?: { yaw: number; pitch: number };
}

/**
 * How each step moves the head between two frames, radians. From the camera:
 * turning left lowers yaw, looking up lowers pitch (Human's conventions, checked
 * on mirrored photos). 0.12 rad ≈ 7°, well above the frame-to-frame jitter of
 * a still head (< 0.02).
 */
const MOVES: Record<ChallengeStep, { angle: 'yaw' | 'pitch'; sign: -1 | 1 }> = {
  left: { angle: 'yaw', sign: -1 },
  right: { angle: 'yaw', sign: 1 },
  up: { angle: 'pitch', sign: -1 },
  down: { angle: 'pitch', sign: 1 },
};
const MIN_MOVE = 0.12;

export interface ChallengeResult {
  passed: boolean;
  /** Why not, in order of the frames. */
  problems: string[];
  /** The largest distance between any two frames' descriptors. */
  identitySpread: number;
  moves: { step: ChallengeStep; change: number; ok: boolean }[];
}

/** Frame 0 is the starting pose; frame i + 1 must show step i. */
export function checkChallenge(frames: ChallengeFrame[], steps: ChallengeStep[]): ChallengeResult {
  const problems: string[] = [];
  if (frames.length !== steps.length + 1) problems.push(`expected ${steps.length + 1} frames for ${steps.length} step(s), got ${frames.length}`);
  frames.forEach((frame, i) => {
    if (frame.faces !== 1) problems.push(`frame ${i}: ${frame.faces} faces, expected exactly one`);
  });
  const described = frames.filter((frame) => frame.descriptor);
  let identitySpread = 0;
  for (let a = 0; a < described.length; a++) {
    for (let b = a + 1; b < described.length; b++) identitySpread = Math.max(identitySpread, descriptorDistance(described[a]!.descriptor!, described[b]!.descriptor!));
  }
  const sameFace = MATCH_BANDS[0]!.maxDistance;
  if (identitySpread > sameFace) problems.push(`the frames do not all show the same person (descriptor distance up to ${identitySpread.toFixed(2)})`);
  const moves = steps.map((step, i) => {
    const [before, after] = [frames[i]?.angles, frames[i + 1]?.angles];
    const { angle, sign } = MOVES[step];
    const change = before && after ? (after[angle] - before[angle]) * sign : 0;
    const ok = change >= MIN_MOVE;
    if (!ok) problems.push(`frame ${i + 1}: the head did not turn ${step} (${angle} changed by ${(change * sign).toFixed(2)} rad)`);
    return { step, change: Math.round(change * 1000) / 1000, ok };
  });
  return { passed: problems.length === 0, problems, identitySpread: Math.round(identitySpread * 1000) / 1000, moves };
}
