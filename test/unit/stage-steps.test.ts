// The engine's steps: the MRZ is read while the quality is measured, and the
// portrait found while the printed zone is read (each needs nothing the other
// adds); every stage of a step is judged on the results before it, the records
// keep the table's order, and a run's time counts a step as its longest stage.
import sharp from 'sharp';
import { describe, expect, it, vi } from 'vitest';
import { runMs, runPipeline } from '../../pipeline/stages.ts';
import type { StageContext } from '../../pipeline/types.ts';

const events: string[] = [];
const mrzOutcome = { value: 'pass' as 'pass' | 'fail' };

/** A stage that waits (up to a second) for `other` to start beside it, and says whether it did. */
const started = new Map<string, () => void>();
async function waitFor(self: string, other: string) {
  events.push(`${self} started`);
  started.get(self)?.();
  const met = new Promise<string>((resolve) => started.set(other, () => resolve(`${self} met ${other}`)));
  events.push(await Promise.race([met, new Promise<string>((r) => setTimeout(() => r(`${self} alone`), 1000))]));
}
/** A stage that lets a waiting stage know it started. */
function start(self: string) {
  events.push(`${self} started`);
  started.get(self)?.();
}

vi.mock('../../pipeline/quality/index.ts', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  assessQuality: async () => {
    await waitFor('quality', 'mrz');
    return { outcome: 'fail', reasonCode: 'image_blurred', details: {}, readablePages: [] };
  },
}));
vi.mock('../../pipeline/mrz/index.ts', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  readMrz: async () => {
    start('mrz');
    return { outcome: mrzOutcome.value, details: {}, views: {} };
  },
}));
vi.mock('../../pipeline/viz/index.ts', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  readViz: async () => {
    await waitFor('viz', 'portrait');
    return { outcome: 'pass', details: {} };
  },
}));
vi.mock('../../pipeline/face/index.ts', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  extractPortrait: async () => {
    start('portrait');
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
  it('reads the MRZ while the quality is measured, the portrait while the printed zone is read, records in table order', async () => {
    [events.length, mrzOutcome.value] = [0, 'pass'];
    started.clear();
    const records = await runPipeline(await passport(), ctx);
    expect(records.map((r) => [r.stage, r.outcome])).toEqual([
      ['normalize', 'pass'],
      // Refused by its measures, readable since the MRZ read (reading decides).
      ['quality', 'warn'],
      ['mrz', 'pass'],
      ['viz', 'pass'],
      ['portrait', 'pass'],
    ]);
    expect(events).toEqual([
      'quality started',
      'mrz started',
      'quality met mrz',
      'viz started',
      'portrait started',
      'viz met portrait',
    ]);
  });

  it('reads neither the printed zone nor the portrait of an unreadable document (quality refused, MRZ not read)', async () => {
    [events.length, mrzOutcome.value] = [0, 'fail'];
    started.clear();
    const records = await runPipeline(await passport(), ctx);
    expect(records.map((r) => r.stage)).toEqual(['normalize', 'quality', 'mrz']);
    expect(events).toEqual(['quality started', 'mrz started', 'quality met mrz']);
  });

  it("counts a run's time with the stages of a step as the longest of them", () => {
    const ms = { normalize: 10, quality: 50, mrz: 300, viz: 400, portrait: 150 };
    expect(runMs('passport', ms)).toBe(10 + 300 + 400);
    expect(runMs('passport', { ...ms, quality: 320, portrait: 450 })).toBe(10 + 320 + 450);
    // A migration card has no MRZ: its quality gate runs alone. A selfie's stages run one after the other.
    expect(runMs('migration_card', { normalize: 10, quality: 50, migration_card: 600 })).toBe(660);
    expect(runMs('selfie', { normalize: 10, liveness: 70, selfie: 30 })).toBe(110);
  });
});
