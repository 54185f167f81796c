// Frames of an active liveness challenge judged the way the service does it
// (`POST /v1/liveness-sessions/:id/frames`), and a document portrait against
// one or more selfies — `docverify match`, whose several selfies are one
// challenge's frames judged by the same code.
import type { FaceEngine, FaceObservation } from '../../models/face.ts';
import type { NormalizedPage } from '../normalize/index.ts';
import { assessLiveness } from '../liveness/index.ts';
import { checkChallenge, type ChallengeResult, type ChallengeStep } from '../liveness/challenge.ts';
import { assessSelfie, extractPortrait, matchFaces, selfieImage, type FaceFact, type FaceMatch } from './index.ts';

export interface FrameJudgement {
  /** The passive check of the frame. */
  liveness: 'live' | 'attack';
  score: number;
  reasons: string[];
  /** Why the frame's face is unusable, if it is. */
  reasonCode?: string;
}

export interface JudgedChallenge {
  challenge: ChallengeResult;
  frames: FrameJudgement[];
}

/** Each frame's faces and passive liveness, then the moves and the identity across frames. */
async function judgeFrames(frames: NormalizedPage[][], steps: ChallengeStep[], engine: FaceEngine) {
  const judged: (FrameJudgement & { face?: FaceFact; faces: FaceObservation[] })[] = [];
  for (const pages of frames) {
    const image = await selfieImage(pages[0]!);
    const faces = await engine.detect(image);
    const { liveness } = await assessLiveness(image, faces, engine);
    const selfie = assessSelfie(image, faces);
    judged.push({
      faces,
      ...(selfie.face ? { face: selfie.face } : {}),
      liveness: liveness.decision,
      score: liveness.score,
      reasons: liveness.reasons,
      ...(selfie.reasonCode ? { reasonCode: selfie.reasonCode } : {}),
    });
  }
  const challenge = checkChallenge(
    judged.map((frame) => ({
      faces: frame.faces.length,
      descriptor: frame.faces[0]?.descriptor,
      angles: frame.faces[0]?.angles,
      ...(frame.liveness === 'attack' ? { attack: frame.reasons.join(', ') } : {}),
    })),
    steps,
  );
  return { challenge, judged };
}

/** A challenge session's frames: the verdict, without any face template (it stays in the service). */
export async function judgeChallenge(
  frames: NormalizedPage[][],
  steps: ChallengeStep[],
  engine: FaceEngine,
): Promise<JudgedChallenge> {
  const { challenge, judged } = await judgeFrames(frames, steps, engine);
  return { challenge, frames: judged.map(({ face: _face, faces: _faces, ...frame }) => frame) };
}

export interface MatchSession {
  match: (Pick<FaceMatch, 'score' | 'band'> & { distance: number }) | { score: null; band: null; reason: string };
  liveness: { score: number; decision: 'live' | 'attack'; reasons: string[] };
  challenge?: ChallengeResult;
  frames: { selfie: string; liveness: string; reasonCode?: string }[];
}

export async function matchSession(
  document: NormalizedPage[],
  selfies: NormalizedPage[][],
  steps: ChallengeStep[],
  engine: FaceEngine,
): Promise<MatchSession> {
  const portrait = await extractPortrait(
    document,
    document.map((p) => p.index),
    undefined,
    engine,
  );
  const { challenge, judged } = await judgeFrames(selfies, steps, engine);
  const first = judged[0];
  const match: MatchSession['match'] =
    portrait.face && first?.face
      ? matchFaces(portrait.face.descriptor, first.face.descriptor)
      : {
          score: null,
          band: null,
          reason: portrait.face ? (first?.reasonCode ?? 'face_not_found') : 'portrait_not_found',
        };
  const isChallenge = selfies.length > 1;
  const reasons = [
    ...new Set([
      ...judged.flatMap((f) => f.reasons),
      ...(isChallenge && !challenge.passed ? challenge.problems.map((p) => p.code) : []),
    ]),
  ];
  return {
    match,
    liveness: {
      score: Math.min(...judged.map((f) => f.score), isChallenge && !challenge.passed ? 0 : 1),
      decision: reasons.length ? 'attack' : 'live',
      reasons,
    },
    ...(isChallenge ? { challenge } : {}),
    frames: judged.map((f, i) => ({
      selfie: `#${i + 1}`,
      liveness: f.liveness,
      ...(f.reasonCode ? { reasonCode: f.reasonCode } : {}),
    })),
  };
}
