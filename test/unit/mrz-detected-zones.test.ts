// MRZ zones from a text detector's oriented boxes: pieces of a line joined,
// runs of rows one under the other, each at its own slope, widened to the
// zone's full width, and a missing card line placed by the line pitch.
import { describe, expect, it } from 'vitest';
import type { TextBox } from '../../models/text-detector.ts';
import { detectedZones, turnBoxes } from '../../pipeline/mrz/locate.ts';

/** A box from its left end (x0, y0), length, thickness and slope in degrees. */
function box(x0: number, y0: number, length: number, thickness = 30, angle = 0): TextBox {
  const a = (angle * Math.PI) / 180;
  return {
    x: x0 + (length / 2) * Math.cos(a),
    y: y0 + (length / 2) * Math.sin(a),
    length,
    thickness,
    angle,
    score: 0.9,
  };
}

const close = (value: number, expected: number) => expect(Math.abs(value - expected)).toBeLessThan(1);

describe('detected MRZ zones', () => {
  it('finds two long rows one under the other, and not the short printed lines above', () => {
    const boxes = [box(300, 100, 300), box(300, 160, 250), box(40, 800, 1400), box(40, 870, 1400)];
    const zones = detectedZones(boxes, 2);
    expect(zones).toHaveLength(1);
    expect(zones[0]!.map((row) => Math.round(row.y))).toEqual([800, 870]);
  });

  it('joins the pieces of a line split at a run of fillers, and widens a short row to the zone', () => {
    // Line 1 in two pieces (a gap of 3 heights); line 2 whole.
    const boxes = [box(40, 800, 800), box(930, 800, 510), box(40, 870, 1400)];
    const [zone] = detectedZones(boxes, 2);
    expect(zone).toBeDefined();
    for (const row of zone!) close(row.length, 1400);
    // A line the detector dropped the end of is widened to its neighbour's end.
    const [short] = detectedZones([box(40, 800, 700), box(40, 870, 1400)], 2);
    close(short![0]!.length, 1400);
    close(short![0]!.x, 40 + 700);
  });

  it('keeps each zone at its own slope (a photo leaves the MRZ slanted)', () => {
    const boxes = [box(100, 700, 1300, 28, 3), box(96, 770, 1300, 28, 3)];
    const [zone] = detectedZones(boxes, 2);
    expect(zone!.map((row) => row.angle)).toEqual([3, 3]);
  });

  it('does not join text beside the MRZ in another size (the other side of a card)', () => {
    const boxes = [box(40, 600, 300, 18), box(420, 604, 620, 30), box(420, 674, 620, 30), box(420, 744, 620, 30)];
    const [zone] = detectedZones(boxes, 3);
    expect(zone!.map((row) => Math.round(row.x - row.length / 2))).toEqual([420, 420, 420]);
  });

  it('places a card’s missing third line by the line pitch, only when asked and none was found', () => {
    const boxes = [box(40, 300, 900), box(40, 370, 900)];
    expect(detectedZones(boxes, 3)).toEqual([]);
    const guessed = detectedZones(boxes, 3, true);
    expect(guessed.map((zone) => zone.map((row) => Math.round(row.y)))).toEqual([
      [230, 300, 370],
      [300, 370, 440],
    ]);
  });

  it('turns boxes with the page', () => {
    const [turned] = turnBoxes([box(40, 800, 1400)], { width: 1600, height: 1000, data: Buffer.alloc(0) });
    close(turned!.x, 1600 - 740);
    close(turned!.y, 200);
  });
});
