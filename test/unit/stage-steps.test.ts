// The engine's steps: the portrait runs alongside the printed zone (it needs
// nothing the printed zone adds), both are judged on the results before them,
// their records keep the table's order, and a run's time counts the two as the
// longer of them.
import sharp from 'sharp';
import { describe, expect, it, vi } from 'vitest';
import { runMs, runPipeline } from '../../pipeline/stages.ts';
import type { StageContext } from '../../pipeline/types.ts';

const events: string[] = [];
let portraitStarted: () => void = () => undefined;
const mrzOutcome = { value: 'pass' as 'pass' | 'fail' };

vi.mock('../../pipeline/quality/index.ts', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  assessQuality: async () => ({ outcome: 'fail', reasonCode: 'image_blurred', details: {}, readablePages: [] }),
}));
vi.mock('../../pipeline/mrz/index.ts', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  readMrz: async () => ({ outcome: mrzOutcome.value, details: {}, views: {} }),
}));
vi.mock('../../pipeline/viz/index.ts', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  readViz: async () => {
    events.push('viz started');
    // The printed zone's reading waits (up to a second) for the portrait to start beside it.
    const started = new Promise<string>((resolve) => (portraitStarted = () => resolve('portrait started first')));
    events.push(await Promise.race([started, new Promise<string>((r) => setTimeout(() => r('waited alone'), 1000))]));
    return { outcome: 'pass', details: {} };
  },
}));
vi.mock('../../pipeline/face/index.ts', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  extractPortrait: async () => {
    events.push('portrait started');
    portraitStarted();
    return { outcome: 'pass', details: {} };
  },
}));

const ctx = { limits: { maxPixels: 50_000_000, maxPdfPages: 5 }, now: () => new Date(), ocr: {} } as StageContext;
const passport = async () => ({
  kind: 'passport' as const,
  contentType: 'image/jpeg' as const,
  bytes: await sharp({ create: { width: 400, height: 300, channels: 3, background: '#fff' } })
    .jpeg()
    .toBuffer(),
});

describe('stage steps', () => {
  it('runs the portrait while the printed zone is read, and keeps the records in table order', async () => {
    events.length = 0;
    mrzOutcome.value = 'pass';
    const records = await runPipeline(await passport(), ctx);
    expect(records.map((r) => [r.stage, r.outcome])).toEqual([
      ['normalize', 'pass'],
      // Refused by its measures, readable since the MRZ read (reading decides).
      ['quality', 'warn'],
      ['mrz', 'pass'],
      ['viz', 'pass'],
      ['portrait', 'pass'],
    ]);
    expect(events).toEqual(['viz started', 'portrait started', 'portrait started first']);
  });

  it('runs neither when the document is unreadable (quality refused, MRZ not read)', async () => {
    events.length = 0;
    mrzOutcome.value = 'fail';
    const records = await runPipeline(await passport(), ctx);
    expect(records.map((r) => r.stage)).toEqual(['normalize', 'quality', 'mrz']);
    expect(events).toEqual([]);
  });

  it("counts a run's time with the stages alongside each other as the longer of them", () => {
    const ms = { normalize: 10, quality: 20, mrz: 300, viz: 400, portrait: 150 };
    expect(runMs('passport', ms)).toBe(10 + 20 + 300 + 400);
    expect(runMs('passport', { ...ms, portrait: 450 })).toBe(10 + 20 + 300 + 450);
    // A selfie's stages run one after the other.
    expect(runMs('selfie', { normalize: 10, liveness: 70, selfie: 30 })).toBe(110);
  });
});
