import { describe, expect, it } from 'vitest';
import { normalize } from '../../pipeline/normalize/index.ts';
import { assessQuality } from '../../pipeline/quality/index.ts';
import type { AcceptedType, DocumentKind } from '../../pipeline/types.ts';
import * as files from '../helpers/files.ts';

const ctx = { limits: { maxPixels: 50_000_000, maxPdfPages: 10 } };

async function quality(file: string, kind: DocumentKind = 'passport') {
  const contentType: AcceptedType = file.endsWith('.pdf') ? 'application/pdf' : 'image/jpeg';
  const { pages } = await normalize({ kind, contentType, bytes: files.golden(file) }, ctx);
  return assessQuality(pages);
}

describe('quality gate', () => {
  it.each([
    ['passport-lowres-kgz/passport.jpg', 'resolution_too_low'],
    ['passport-blur-tjk/passport.jpg', 'image_blurred'],
    ['card-blur-ind/migration_card.jpg', 'image_blurred'],
    ['passport-dark-arm/passport.jpg', 'image_too_dark'],
    ['passport-glare-kaz/passport.jpg', 'glare_detected'],
    ['permit-glare-chn/residence_permit.jpg', 'glare_detected'],
    ['wrong-no-document/passport.jpg', 'document_not_found'],
  ])('refuses %s with %s', async (file, reason) => {
    const result = await quality(file);
    expect([result.outcome, result.reasonCode]).toEqual(['fail', reason]);
    expect(result.readablePages).toEqual([]);
  });

  it.each(['valid-uzb/passport.jpg', 'passport-phone-uzb/passport.jpg', 'card-phone-kaz/migration_card.jpg', 'passport-tilt-aze/passport.jpg'])(
    'passes a readable capture: %s',
    async (file) => {
      const result = await quality(file);
      expect(result.outcome).toBe('pass');
      expect(result.details.pages).toEqual([expect.objectContaining({ failed: [] })]);
    },
  );

  it('passes a two-page PDF on its readable page even when the other is blank', async () => {
    const result = await quality('passport-pdf2-tur/passport.pdf');
    expect(result.outcome).toBe('pass');
    expect(result.readablePages).toEqual([0]);
    expect((result.details.pages as { failed: string[] }[])[1]!.failed).toContain('document_not_found');
  });
});
