// A document (or a portrait photo) and one or more selfies, compared the way
// the pipeline does it — `docverify match`. Several selfies are the frames of
// an active challenge: each must be live, and together they must show one
// person moving as asked.
import type { FaceEngine } from '../../models/face.ts';
import type { NormalizedPage } from '../normalize/index.ts';
import { assessLiveness } from '../liveness/index.ts';
import { checkChallenge, type ChallengeResult, type ChallengeStep } from '../liveness/challenge.ts';
import { assessSelfie, extractPortrait, matchFaces, selfieImage, type FaceMatch } from './index.ts';

export interface MatchSession {
  match: Pick<FaceMatch, 'score' | 'band'> & { distance: number } | { score: null; band: null; reason: string };
  liveness: { score: number; decision: 'live' | 'attack'; reasons: string[] };
  challenge?: ChallengeResult;
  frames: { selfie: string; liveness: string; reasonCode?: string }[];
}

export async function matchSession(document: NormalizedPage[], selfies: NormalizedPage[][], steps: ChallengeStep[], engine: FaceEngine): Promise<MatchSession> {
  const portrait = await extractPortrait(document, document.map((p) => p.index), undefined, engine);
  const frames = [];
  for (const pages of selfies) {
    const image = await selfieImage(pages[0]!);
    const faces = await engine.detect(image);
    frames.push({ faces, liveness: await assessLiveness(image, faces, engine), selfie: assessSelfie(image, faces) });
  }
  const first = frames[0]?.selfie;
  const match: MatchSession['match'] =
    portrait.face && first?.face
      ? matchFaces(portrait.face.descriptor, first.face.descriptor)
      : { score: null, band: null, reason: portrait.face ? (first?.reasonCode ?? 'face_not_found') : 'portrait_not_found' };
  const challenge =
    selfies.length > 1
      ? checkChallenge(
          frames.map((f) => ({ faces: f.selfie.measures.faces, descriptor: f.faces[0]?.descriptor, angles: f.faces[0]?.angles })),
          steps,
        )
      : undefined;
  const attacks = frames.flatMap((f) => f.liveness.liveness.reasons);
  const reasons = [...new Set([...attacks, ...(challenge && !challenge.passed ? ['challenge_failed'] : [])])];
  return {
    match,
    liveness: {
      score: Math.min(...frames.map((f) => f.liveness.liveness.score), challenge && !challenge.passed ? 0 : 1),
      decision: reasons.length ? 'attack' : 'live',
      reasons,
    },
    ...(challenge ? { challenge } : {}),
    frames: frames.map((f, i) => ({ selfie: `#${i + 1}`, liveness: f.liveness.liveness.decision, ...(f.selfie.reasonCode ? { reasonCode: f.selfie.reasonCode } : {}) })),
  };
}
