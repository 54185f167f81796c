// A live photo of the applicant holding their passport beside the face (kind
// `selfie_with_document`): the applicant's face is the largest; the portrait
// printed on the held document is a face much smaller than it; the held
// document's MRZ is read when it is legible. This stage asks: is a document in
// the photo, and does its portrait show the person holding it? Whether it is
// the uploaded passport (its number, its portrait) the decision rules judge,
// with both documents in hand (pipeline/decision/rules.ts).
import type { FaceObservation } from '../../models/face.ts';
import { factOf, matchFaces, positionOf } from '../face/index.ts';
import type { MrzReading } from '../mrz/index.ts';
import type { StageVerdict } from '../types.ts';

/**
 * A face counts as the held document's portrait when it is at most this wide
 * relative to the applicant's: a passport held at arm's length beside the face
 * shows its portrait at about a third of the face's width (fixtures 0.25–0.35);
 * a second person in the frame is as large as the applicant.
 */
const PORTRAIT_SHARE = 0.6;

export function assessHeldDocument(faces: FaceObservation[], mrz: MrzReading | undefined): StageVerdict {
  const [applicant, ...others] = faces;
  if (!applicant) return { outcome: 'fail', reasonCode: 'face_not_found', details: {} };
  const portrait = others.find((face) => face.box[2] <= applicant.box[2] * PORTRAIT_SHARE);
  if (!portrait && !mrz)
    return { outcome: 'fail', reasonCode: 'held_document_not_found', details: { faces: faces.length } };
  const match = portrait && matchFaces(applicant.descriptor, portrait.descriptor);
  const details = {
    applicant: positionOf(factOf(applicant, 0, 0)),
    ...(portrait ? { portrait: positionOf(factOf(portrait, 0, 0)) } : {}),
    ...(match ? { band: match.band, distance: match.distance } : {}),
    ...(mrz
      ? { mrz: { format: mrz.format, valid: mrz.valid, documentNumber: mrz.fields.documentNumber ?? null } }
      : {}),
    // What the rules compare with the uploaded passport (extracted.ts): the descriptors (no view shows them) and a number whose check digits agree.
    descriptors: { applicant: applicant.descriptor, ...(portrait ? { portrait: portrait.descriptor } : {}) },
    ...(mrz?.valid && mrz.fields.documentNumber ? { documentNumber: mrz.fields.documentNumber } : {}),
  };
  if (match && match.band !== 'approve')
    return {
      outcome: 'fail',
      reasonCode: 'held_document_faces_differ',
      score: match.score,
      params: { distance: match.distance },
      details,
    };
  return { outcome: 'pass', ...(match ? { score: match.score } : {}), details };
}
