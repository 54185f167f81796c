import sharp from 'sharp';

// Images the stages keep for reviewers (stored encrypted by the runner).
// Face crops (portrait, selfie); the page as its face stage saw it, which the face
// box is drawn on (page); the document as the MRZ stage turned and flattened it,
// which the MRZ band is drawn on (document). JPEG pages, PNG crops.
export const ARTIFACT_NAMES = ['portrait', 'selfie', 'page', 'document'] as const;
export type ArtifactName = (typeof ARTIFACT_NAMES)[number];

/** Pages kept for reviewers are at most this many px on their longer side. */
const VIEW_SIDE = 1200;

/** An image as reviewers see it beside the boxes drawn on it: JPEG, at most VIEW_SIDE px; `size` is the unscaled size the boxes refer to. */
export async function reviewerView(image: { width: number; height: number; data: Buffer }, channels: 1 | 3) {
  const jpeg = await sharp(image.data, { raw: { width: image.width, height: image.height, channels } })
    .resize({ width: VIEW_SIDE, height: VIEW_SIDE, fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 80 })
    .toBuffer();
  return { jpeg, size: { width: image.width, height: image.height } };
}
