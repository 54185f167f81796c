// Reading decides: a small but sharp scan is not flagged for its size (text
// height is what counts); a capture a measure flags but whose MRZ reads with
// valid check digits is not refused (the finding stays, as a warning); a truly bad capture — too blurred to read — is still refused, with
// its quality reason and without reading further.
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { createStagePool } from '../../workers/pool.ts';
import * as files from '../helpers/files.ts';

const LIMITS = { maxUploadBytes: 5 * 1024 * 1024, maxPixels: 50_000_000, maxPdfPages: 10 };
const pool = createStagePool(1);
afterAll(() => pool.close());

const run = (bytes: Buffer) =>
  pool.run({
    type: 'process',
    document: { kind: 'passport', contentType: 'image/jpeg', bytes },
    limits: LIMITS,
    now: '2026-06-01T12:00:00Z',
    faults: { stageDelayMs: 0 },
  });
const outcomes = (checks: { stage: string; outcome: string; reasonCode?: string }[]) =>
  Object.fromEntries(checks.map((c) => [c.stage, [c.outcome, c.reasonCode ?? null]]));

describe('reading decides', () => {
  it('reads a 560-px-wide sharp scan: its text is large enough, nothing is flagged', async () => {
    const small = await sharp(files.golden('valid-uzb/passport.jpg'))
      .resize({ width: 560 })
      .jpeg({ quality: 92 })
      .toBuffer();
    const checks = outcomes(await run(small));
    expect(checks.quality).toEqual(['pass', null]);
    expect(checks.mrz).toEqual(['pass', null]);
  });

  it('reads a page on a dark desk: quality finds it dark, the MRZ reads, so it is only a warning', async () => {
    const checks = outcomes(await run(files.golden('passport-desk-tjk/passport.jpg')));
    expect(checks.quality).toEqual(['warn', 'image_too_dark']);
    expect(checks.mrz).toEqual(['pass', null]);
    expect(checks.portrait?.[0]).toBe('pass');
  });

  it('still refuses a capture too blurred to read, and stops before the printed zone and portrait', async () => {
    const checks = outcomes(await run(files.golden('passport-blur-tjk/passport.jpg')));
    expect(checks.quality).toEqual(['fail', 'image_blurred']);
    expect(checks.mrz?.[0]).toBe('fail');
    expect(checks.viz).toBeUndefined();
    expect(checks.portrait).toBeUndefined();
  });
});
