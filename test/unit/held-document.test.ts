// The held-document stage on face observations and an MRZ reading: which face
// is the held portrait, and when a document counts as found. Distances are the
// offsets put in one coordinate of otherwise equal descriptors.
import { describe, expect, it } from 'vitest';
import type { FaceObservation } from '../../models/face.ts';
import { assessHeldDocument } from '../../pipeline/held-document/index.ts';
import type { MrzReading } from '../../pipeline/mrz/index.ts';

const face = (width: number, offset: number): FaceObservation =>
  ({
    box: [0, 0, width, width],
    descriptor: Array.from({ length: 128 }, (_, i) => (i === 0 ? offset : 0)),
    angles: { yaw: 0, pitch: 0, roll: 0 },
  }) as unknown as FaceObservation;
const mrz = { format: 'TD3', valid: true, fields: { documentNumber: 'AA2049045' } } as unknown as MrzReading;

describe('held document', () => {
  it('takes a face at most 0.6 of the applicant’s width as the held portrait, and compares the two', () => {
    const verdict = assessHeldDocument([face(500, 0), face(150, 0.3)], mrz);
    expect(verdict).toMatchObject({
      outcome: 'pass',
      details: { band: 'approve', distance: 0.3, documentNumber: 'AA2049045' },
    });
    expect(verdict.details).toMatchObject({
      portrait: { box: [0, 0, 150, 150] },
      descriptors: { applicant: face(500, 0).descriptor, portrait: face(150, 0.3).descriptor },
    });
  });

  it('refuses a held portrait of someone else, and ignores a second person as large as the applicant', () => {
    expect(assessHeldDocument([face(500, 0), face(150, 0.9)], undefined)).toMatchObject({
      outcome: 'fail',
      reasonCode: 'held_document_faces_differ',
      params: { distance: 0.9 },
    });
    expect(assessHeldDocument([face(500, 0), face(400, 0.9)], undefined)).toMatchObject({
      outcome: 'fail',
      reasonCode: 'held_document_not_found',
    });
  });

  it('finds the document by its MRZ alone, keeps only a number whose check digits agree, and needs a face', () => {
    expect(assessHeldDocument([face(500, 0)], mrz)).toMatchObject({
      outcome: 'pass',
      details: { documentNumber: 'AA2049045' },
    });
    expect(assessHeldDocument([face(500, 0)], { ...mrz, valid: false } as MrzReading).details).not.toHaveProperty(
      'documentNumber',
    );
    expect(assessHeldDocument([], mrz)).toMatchObject({ outcome: 'fail', reasonCode: 'face_not_found' });
  });
});
