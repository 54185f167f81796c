import fs from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { normalize } from '../../pipeline/normalize/index.ts';
import { assessQuality, measurePage } from '../../pipeline/quality/index.ts';
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

  it.each([
    'valid-uzb/passport.jpg',
    'passport-phone-uzb/passport.jpg',
    'card-phone-kaz/migration_card.jpg',
    'passport-tilt-aze/passport.jpg',
  ])('passes a readable capture: %s', async (file) => {
    const result = await quality(file);
    expect(result.outcome).toBe('pass');
    expect(result.details.pages).toEqual([expect.objectContaining({ failed: [] })]);
  });

  it('passes a two-page PDF on its readable page even when the other is blank', async () => {
    const result = await quality('passport-pdf2-tur/passport.pdf');
    expect(result.outcome).toBe('pass');
    expect(result.readablePages).toEqual([0]);
    expect((result.details.pages as { failed: string[] }[])[1]!.failed).toContain('document_not_found');
  });

  it('lets a readable capture through even when a quality measure flags it: a dark desk warns, never refuses the passport (reading decides elsewhere)', async () => {
    // The gate itself still names the reason; the pipeline turns it into a warning once the MRZ reads.
    const result = await quality('passport-desk-tjk/passport.jpg');
    expect(result.reasonCode).toBe('image_too_dark');
  });
});

/** A page of printed lines: `size` px letters, black on `paper`, `width` × `height`. */
async function printedPage(
  width: number,
  height: number,
  size: number,
  paper = '#f2f2ee',
  extra = '',
): Promise<Buffer> {
  const lines = Array.from(
    { length: Math.floor((height - 2 * size) / (size * 2)) },
    (_, i) =>
      `<text x="${size}" y="${2 * size + i * size * 2}" font-family="DejaVu Sans Mono, monospace" font-size="${size}" fill="#111">P&lt;UTOERIKSSON&lt;&lt;ANNA&lt;MARIA 7408122F1204159</text>`,
  );
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${paper}"/>${lines.join('')}${extra}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

async function measure(png: Buffer) {
  const { pages } = await normalize({ kind: 'passport', contentType: 'image/png', bytes: png }, ctx);
  return measurePage(pages[0]!);
}

describe('quality measures judge readability, not file size', () => {
  it('passes a small sharp crop: resolution is the height of the text, not the long side', async () => {
    // 320 px wide, characters 9 px high: the size of real specimen scans whose MRZ reads.
    const small = await measure(await printedPage(320, 220, 9));
    expect(small.textHeightPx).toBeGreaterThanOrEqual(5);
    expect(small.sharpness).toBeGreaterThan(60);
    const { pages } = await normalize(
      { kind: 'passport', contentType: 'image/png', bytes: await printedPage(320, 220, 9) },
      ctx,
    );
    const verdict = await assessQuality(pages);
    expect((verdict.details.pages as { failed: string[] }[])[0]!.failed).not.toContain('resolution_too_low');
    expect((verdict.details.pages as { failed: string[] }[])[0]!.failed).not.toContain('image_blurred');
  });

  it('refuses text too small to read', async () => {
    // A page of 30-px letters scaled down to a 110-px upload: letters of about 2 px.
    const upload = await sharp(await printedPage(1600, 1100, 30))
      .resize(110)
      .png()
      .toBuffer();
    const { pages } = await normalize({ kind: 'passport', contentType: 'image/png', bytes: upload }, ctx);
    expect((await measurePage(pages[0]!)).textHeightPx).toBeLessThan(3.5);
    expect((await assessQuality(pages)).reasonCode).toBe('resolution_too_low');
  });

  it('does not call a white background or white paper glare', async () => {
    // A grey card on a white sheet (the sheet touches the edges), and two cards with a white strip between them.
    const card = await printedPage(600, 380, 16, '#d9e3d0');
    const onWhite = await sharp({ create: { width: 1000, height: 800, channels: 3, background: '#ffffff' } })
      .composite([{ input: card, left: 200, top: 210 }])
      .png()
      .toBuffer();
    expect((await measure(onWhite)).glareShare).toBe(0);
    const twoSides = await sharp({ create: { width: 640, height: 860, channels: 3, background: '#ffffff' } })
      .composite([
        { input: card, left: 20, top: 20 },
        { input: card, left: 20, top: 460 },
      ])
      .png()
      .toBuffer();
    expect((await measure(twoSides)).glareShare).toBe(0);
    // White paper with its text on it is paper, not glare.
    expect((await measure(await printedPage(900, 640, 18, '#ffffff'))).glareShare).toBe(0);
  });

  it('calls a clipped spot that washes the text out glare', async () => {
    const spot = '<circle cx="450" cy="320" r="150" fill="#ffffff"/>';
    const m = await measure(await printedPage(900, 640, 18, '#e6ece0', spot));
    // The spot's own share of the page: π·150² / (900·640) ≈ 12 %.
    expect(m.glareShare).toBeGreaterThan(0.1);
    expect(m.glareShare).toBeLessThan(0.14);
  });

  const REAL = '../shared/datasets/real-docs';
  it.skipIf(!fs.existsSync(REAL))(
    'passes the real small specimen scans and the white strip between a card’s sides (../shared/datasets/real-docs)',
    async () => {
      for (const file of [
        'arg0s_sweden-id-td1.png',
        'arg0s_monaco-id-td1.png',
        'arg0s_france-visa-mrvb.png',
        'pmrzcpp_bel-id-td1-500px.jpg',
      ]) {
        const bytes = await sharp(fs.readFileSync(`${REAL}/${file}`))
          .png()
          .toBuffer();
        const { pages } = await normalize({ kind: 'passport', contentType: 'image/png', bytes }, ctx);
        const verdict = await assessQuality(pages);
        expect([file, verdict.outcome]).toEqual([file, 'pass']);
      }
    },
  );
});
