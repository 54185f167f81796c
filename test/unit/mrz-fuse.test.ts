// An MRZ assembled from the lines several candidates read: each line where it
// reads whole (its own check digits agree, or names are letters), codes that
// exist first, then the reading seen most often. The zones are ICAO 9303's
// specimens; their check digits are the standard's.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { fusedZones } from '../../pipeline/mrz/fuse.ts';
import { evenLightKeepingEdges } from '../../pipeline/image/cleanup.ts';
import { MRZ_LINE_HEIGHT, rowCrop } from '../../pipeline/mrz/locate.ts';

const TD1 = ['I<UTOD231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'];
const TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
const oneOff = (line: string, at: number, char: string) => line.slice(0, at) + char + line.slice(at + 1);

describe('fusedZones', () => {
  it('assembles a TD1 zone whose lines each read right in a different candidate', () => {
    const readings = [
      // The document number misread (its check digit disagrees), the birth date right.
      [oneOff(TD1[0]!, 7, '8'), TD1[1]!],
      // The first line right, the birth date misread, the names cut short.
      [TD1[0]!, oneOff(TD1[1]!, 2, '9'), 'ERIKSSON<<ANNA'],
      [TD1[1]!, TD1[2]!],
    ];
    expect(fusedZones(readings.flat())).toContainEqual(TD1);
  });

  it('assembles a TD3 zone: names from one reading, the number line from another', () => {
    const readings = [TD3[0]!, oneOff(TD3[1]!, 15, '1'), oneOff(TD3[0]!, 8, '5'), TD3[1]!];
    expect(fusedZones(readings)).toEqual([TD3]);
  });

  it('takes the names read most often, and a state that exists over one read more often', () => {
    const misreadName = oneOff(TD1[2]!, 17, 'L');
    const noState = oneOff(TD1[0]!, 4, 'Q'); // «UTQ»: the document number and its check digit are untouched
    const lines = [noState, noState, TD1[0]!, TD1[1]!, misreadName, TD1[2]!, TD1[2]!];
    expect(fusedZones(lines)).toContainEqual(TD1);
  });

  it('gives no zone where a line never read whole', () => {
    expect(fusedZones([TD1[0]!, oneOff(TD1[1]!, 2, '9'), TD1[2]!]).filter((zone) => zone.length === 3)).toEqual([]);
    expect(fusedZones([TD1[0]!, TD1[1]!])).toEqual([]);
  });
});

describe('MRZ line crops', () => {
  it('are lit evenly under a sharp shadow: ink in it comes out as dark as ink beside it', () => {
    // Paper 200, and 80 under a shadow whose edge runs across the line at a slant; ink
    // strokes 2 px wide at a fifth of their paper.
    const [width, height] = [160, 40];
    const shaded = (x: number, y: number) => x + 2 * y >= 120;
    const data = Buffer.alloc(width * height);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const paper = shaded(x, y) ? 80 : 200;
        data[y * width + x] = y >= 12 && y < 28 && x % 8 < 2 ? paper / 5 : paper;
      }
    const lit = evenLightKeepingEdges({ width, height, data }, 3);
    const at = (x: number, y: number) => lit.data[y * width + x];
    // Paper white and ink at 255 / 5 on both sides, one stroke from the shadow's edge.
    expect([at(4, 4), at(140, 4), at(4, 36), at(140, 36)]).toEqual([255, 255, 255, 255]);
    expect([at(16, 20), at(80, 20), at(128, 14), at(0, 26)]).toEqual([51, 51, 51, 51]);
  });

  it('are scaled to the line height the MRZ model reads best', async () => {
    const page = { width: 800, height: 200, data: Buffer.alloc(800 * 200, 230) };
    const png = await rowCrop(page, { x: 400, y: 100, length: 600, thickness: 60, angle: 0, score: 1 });
    const { height } = await sharp(png!).metadata();
    expect(height).toBe(MRZ_LINE_HEIGHT);
  });
});
