// What the rules and views read back from stored check details: each part
// through its schema, and a part that does not fit is absent, never half-read.
import { describe, expect, it } from 'vitest';
import { extractedFrom, readExtracted } from '../../pipeline/extracted.ts';

const box = { left: 10, top: 20, right: 110, bottom: 40 };
const descriptor = Array.from({ length: 128 }, (_, i) => i / 128);
const mrzDetails = {
  mrz: {
    format: 'TD3',
    lines: ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'],
    valid: true,
    fields: { surname: 'ERIKSSON', documentNumber: 'L898902C3' },
    checkDigits: { documentNumber: true, composite: true },
    page: 0,
    rotation: 0,
  },
  band: { top: 1200, bottom: 1290 },
};

describe('extracted', () => {
  it('takes the MRZ, the printed fields, the card and the face from their stages', () => {
    const extracted = extractedFrom([
      { stage: 'mrz', details: mrzDetails },
      {
        stage: 'viz',
        details: {
          fields: { surname: { value: 'ERIKSSON', confidence: 0.9, text: 'ERIKSSON', box } },
          comparison: [],
        },
      },
      {
        stage: 'portrait',
        details: { descriptor, face: { box: [1, 2, 3, 4], page: 0, rotation: 0, angles: {} } },
      },
    ]);
    expect(extracted).toEqual({
      mrz: {
        format: 'TD3',
        lines: mrzDetails.mrz.lines,
        valid: true,
        fields: mrzDetails.mrz.fields,
        checkDigits: mrzDetails.mrz.checkDigits,
      },
      viz: { fields: { surname: 'ERIKSSON' } },
      face: { descriptor },
    });
  });

  it('leaves out what a crashed stage or a malformed detail left', () => {
    expect(
      extractedFrom([
        { stage: 'mrz', details: { stage: 'mrz', detail: 'worker exited' } },
        { stage: 'migration_card', details: { fields: { number: { confidence: 0.4 } } } }, // no value
        { stage: 'selfie', details: { descriptor: descriptor.slice(0, 64) } }, // not a 128-d descriptor
        { stage: 'held_document', details: { descriptors: { applicant: 'x' } } },
      ]),
    ).toEqual({});
  });

  it('reads a stored column back through the same schema', () => {
    const stored = { card: { fields: { entryDate: '2026-05-01', stayUntil: '2026-07-20' } }, face: { descriptor } };
    expect(readExtracted(JSON.parse(JSON.stringify(stored)))).toEqual(stored);
    expect(readExtracted(null)).toEqual({});
    expect(readExtracted({ card: { fields: { entryDate: 20260501 } } })).toEqual({});
  });
});
