// Migration cards through the real OCR engines: every field of a flatbed
// scan and of a phone photo with a shadow across it, each with a confidence.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CaseTruth } from '../../fixtures/cases.ts';
import { createMrzLineReader, createTextReader } from '../../models/tesseract.ts';
import { MIGRATION_CARD_FIELDS, readMigrationCard } from '../../pipeline/migration-card/index.ts';
import { normalize } from '../../pipeline/normalize/index.ts';
import type { StageContext } from '../../pipeline/types.ts';

const latin = createTextReader('eng');
const cyrillic = createTextReader('rus');
const mrzLine = createMrzLineReader();
afterAll(async () => Promise.all([(await latin).close(), (await cyrillic).close(), (await mrzLine).close()]));
const ocr = {
  latin: async (...args: Parameters<StageContext['ocr']['latin']>) => (await latin).read(...args),
  cyrillic: async (...args: Parameters<StageContext['ocr']['latin']>) => (await cyrillic).read(...args),
  mrzLine: async (image: Buffer) => (await mrzLine).read(image),
};
const ctx = { limits: { maxPixels: 50_000_000, maxPdfPages: 10 } };

async function readCard(caseName: string) {
  const truth = JSON.parse(
    fs.readFileSync(path.join('fixtures/golden', caseName, 'expected.json'), 'utf8'),
  ) as CaseTruth;
  const document = truth.documents.find((d) => d.kind === 'migration_card')!;
  const bytes = fs.readFileSync(path.join('fixtures/golden', document.file));
  const { pages } = await normalize(
    { kind: 'migration_card', contentType: document.file.endsWith('.pdf') ? 'application/pdf' : 'image/jpeg', bytes },
    ctx,
  );
  return {
    truth: document.fields!,
    result: await readMigrationCard(
      pages,
      pages.map((p) => p.index),
      ocr,
    ),
  };
}

describe('migration card series and number', () => {
  const parseWith = (field: string) => MIGRATION_CARD_FIELDS.find((rule) => rule.field === field)!.parse;
  it.each([
    ['4582   № 4377174', '4582', '4377174'],
    ['4538 N 6533579', '4538', '6533579'], // the sign as OCR reads it
    ['4607 Ne 6355085', '4607', '6355085'],
    ['4538 6533579', '4538', '6533579'], // the sign lost: the row's first and last groups
    ['4S38 № 65335797', '4538', undefined], // look-alike S read as 5; eight digits are no card number
    ['Ne -.', undefined, undefined],
  ])('%s → series %s, number %s', (row, series, number) => {
    expect(parseWith('series')(row)).toBe(series);
    expect(parseWith('number')(row)).toBe(number);
  });
});

describe('migration card reading', () => {
  it.each(['valid-uzb', 'card-phone-kaz', 'card-pdf1-arm'])(
    'reads every field of %s',
    async (caseName) => {
      const { truth, result } = await readCard(caseName);
      expect(result.outcome).toBe('pass');
      const { purpose: _purpose, ...expected } = truth;
      expect(
        Object.fromEntries(Object.entries(result.card!.fields).map(([name, field]) => [name, field.value])),
      ).toEqual(expected);
      for (const field of Object.values(result.card!.fields)) {
        expect(field.confidence).toBeGreaterThan(0);
        expect(field.confidence).toBeLessThanOrEqual(1);
      }
    },
    60_000,
  );

  it('names the fields it could not read instead of guessing them', async () => {
    // A passport page uploaded as a migration card: no card labels to read.
    const bytes = fs.readFileSync('fixtures/golden/valid-uzb/passport.jpg');
    const { pages } = await normalize({ kind: 'migration_card', contentType: 'image/jpeg', bytes }, ctx);
    const result = await readMigrationCard(pages, [0], ocr);
    expect(result).toMatchObject({ outcome: 'fail', reasonCode: 'migration_card_unreadable' });
    expect(result.card!.missing).toEqual(expect.arrayContaining(['series', 'number', 'entryDate', 'stayUntil']));
  }, 60_000);
});
