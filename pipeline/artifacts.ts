// Images the stages keep for reviewers (stored encrypted by the runner).
export const ARTIFACT_NAMES = ['portrait', 'selfie'] as const;
export type ArtifactName = (typeof ARTIFACT_NAMES)[number];
