// Stage details as a union typed by stage: stored JSON is read back through the
// stage's schema, and a stage whose output does not fit its schema is recorded
// as crashed rather than stored.
import sharp from 'sharp';
import { describe, expect, it, vi } from 'vitest';
import { detailsOf, readCheck, reasonParams } from '../../pipeline/details.ts';
import { runPipeline, type CheckRecord } from '../../pipeline/stages.ts';
import type { StageContext } from '../../pipeline/types.ts';

// The quality stage of this file reports its pages as a string: not what its schema says.
vi.mock('../../pipeline/quality/index.ts', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  assessQuality: async () => ({ outcome: 'pass', details: { pages: 'three' }, readablePages: [0] }),
}));

const page = { index: 0, source: 'jpeg', orientation: 1, original: { width: 40, height: 20 }, width: 40, height: 20 };

describe('stage details', () => {
  it('reads a stored row through its stage schema, typed by the stage', () => {
    const check = readCheck({ stage: 'normalize', outcome: 'pass', details: { pageCount: 1, pages: [page] } });
    expect(check.stage).toBe('normalize');
    if (check.stage !== 'normalize') throw new Error('narrowing');
    // Typed without a cast: pages is an array of pages here.
    expect(check.details.pages?.[0]?.width).toBe(40);
  });

  it('reads details that do not fit their schema as none, never half', () => {
    expect(readCheck({ stage: 'normalize', details: { pageCount: 'one', pages: [page] } }).details).toEqual({});
    expect(readCheck({ stage: 'mrz', details: { mrz: { format: 'TD3' } } }).details).toEqual({});
    expect(readCheck({ stage: 'selfie', details: { descriptor: [1, 2, 3] } }).details).toEqual({});
    expect(readCheck({ stage: 'quality', details: null }).details).toEqual({});
  });

  it("keeps a crash's error and the reason's parameters beside the fields", () => {
    const crashed = readCheck({ stage: 'viz', details: { stage: 'viz', detail: 'worker exited' } });
    expect(crashed.details).toEqual({ stage: 'viz', detail: 'worker exited' });
    const refused = readCheck({ stage: 'normalize', details: { limitMb: 5, pages: [] } });
    expect(reasonParams(refused.details)).toEqual({ limitMb: 5 });
  });

  it('reason parameters are the scalar strings and numbers only', () => {
    expect(reasonParams({ a: 'x', b: 2, c: true, d: null, e: [1], f: { g: 1 } })).toEqual({ a: 'x', b: 2 });
  });

  it('finds the details of one stage among a document’s checks', () => {
    const checks = [
      readCheck({ stage: 'normalize', details: { pageCount: 2 } }),
      readCheck({ stage: 'migration_card', details: { missing: ['series'] } }),
    ];
    expect(detailsOf(checks, 'migration_card')?.missing).toEqual(['series']);
    expect(detailsOf(checks, 'normalize')?.pageCount).toBe(2);
    expect(detailsOf(checks, 'mrz')).toBeUndefined();
  });

  it('records a stage whose output does not fit its schema as crashed, and stops there', async () => {
    const bytes = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#fff' } })
      .jpeg()
      .toBuffer();
    const ctx = { limits: { maxPixels: 50_000_000, maxPdfPages: 5 }, now: () => new Date() } as StageContext;
    const records: CheckRecord[] = await runPipeline({ kind: 'migration_card', contentType: 'image/jpeg', bytes }, ctx);
    expect(records.map((r) => [r.stage, r.outcome])).toEqual([
      ['normalize', 'pass'],
      ['quality', 'error'],
    ]);
    const quality = records[1]!;
    expect(quality.reasonCode).toBe('stage_crashed');
    expect(quality.details.detail).toMatch(/do not fit the quality schema/);
  });
});
