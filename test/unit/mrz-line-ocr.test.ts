// The MRZ line path end to end: a rendered OCR-B line through the pool's
// warm Tesseract worker and the check-digit repair.
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { mrzLine } from '../../fixtures/render/text.ts';
import { createStagePool } from '../../workers/pool.ts';

const pool = createStagePool(1);
afterAll(() => pool.close());

async function lineImage(text: string): Promise<Buffer> {
  const pitch = 30;
  const width = text.length * pitch + 40;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="60"><rect width="100%" height="100%" fill="#f4f4ee"/>${mrzLine(text, 20, 46, pitch)}</svg>`;
  return sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).png().toBuffer();
}

describe('MRZ line OCR', () => {
  it.each([
    ['TD3 line 2', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'],
    ['TD1 line 2', '7408122F1204159UTO<<<<<<<<<<<6'],
    ['TD3 line 1', 'P<UZBJURAEV<<ALISHER<<<<<<<<<<<<<<<<<<<<<<<<'],
  ])('reads a %s exactly', async (layout, text) => {
    const result = await pool.run({ type: 'mrz_line', bytes: await lineImage(text) });
    expect(result.text).toBe(text);
    expect(result.valid).toBe(layout !== 'TD3 line 1');
    expect(result.confidence).toBeGreaterThan(50);
  });
});
