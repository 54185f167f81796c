// The enclosure signal on drawn scenes: a print's border close around the face
// counts on each side it runs, however small the print is in the frame and
// however it is slanted; a straight edge far from the face does not. The
// expected counts follow from the drawings' geometry.
import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../../models/face.ts';
import { livenessSignals } from '../../pipeline/liveness/signals.ts';

const SIZE = 900;
/** The face box used in every scene: 100 × 120 px, centred at (450, 410). */
const FACE: [number, number, number, number] = [400, 350, 100, 120];

/** A scene of grey values: a faint deterministic texture (no edge reaches the signal's gradient), then `paint`. */
function scene(paint: (x: number, y: number) => number | undefined): RgbImage {
  const data = Buffer.alloc(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const texture = ((x * 7919 + y * 104729) % 13) - 6;
      const value = (paint(x, y) ?? 90) + texture;
      data.fill(value, (y * SIZE + x) * 3, (y * SIZE + x) * 3 + 3);
    }
  }
  return { width: SIZE, height: SIZE, data };
}

/** A light print (a rectangle about (cx, cy), turned by `degrees`) with a darker face area in it. */
const print =
  (cx: number, cy: number, halfWidth: number, halfHeight: number, degrees = 0) =>
  (x: number, y: number) => {
    const t = (degrees * Math.PI) / 180;
    const [u, v] = [(x - cx) * Math.cos(t) + (y - cy) * Math.sin(t), -(x - cx) * Math.sin(t) + (y - cy) * Math.cos(t)];
    if (Math.abs(u) > halfWidth || Math.abs(v) > halfHeight) return undefined;
    const inFace = x >= FACE[0] && x < FACE[0] + FACE[2] && y >= FACE[1] && y < FACE[1] + FACE[3];
    return inFace ? 150 : 210;
  };

describe('enclosure', () => {
  it('counts all four borders of a print held small in a large scene', () => {
    // The print is 280 × 270 px of a 900 px frame: its borders are far shorter than the frame.
    expect(livenessSignals(scene(print(460, 425, 140, 135)), FACE).enclosure).toBe(4);
  });

  it('counts a slanted print the same way', () => {
    expect(livenessSignals(scene(print(455, 420, 150, 145, 6)), FACE).enclosure).toBe(4);
  });

  it('counts the sides a border runs on: a print cut by the frame on the right and below shows two', () => {
    // Left border at x = 330, top at y = 300; the right and bottom edges lie outside the 900 px frame.
    expect(livenessSignals(scene(print(760, 750, 430, 450)), FACE).enclosure).toBe(2);
  });

  it('counts a door frame beside the face as one side, and an edge beyond reach as none', () => {
    const doorFrame = (edgeX: number) => (x: number) => (x >= edgeX ? 200 : undefined);
    // 110 px right of the face's centre: within 2.5 face widths.
    expect(livenessSignals(scene(doorFrame(560)), FACE).enclosure).toBe(1);
    // 400 px right of it: more than 3 face widths away.
    expect(livenessSignals(scene(doorFrame(850)), FACE).enclosure).toBe(0);
    expect(
      livenessSignals(
        scene(() => undefined),
        FACE,
      ).enclosure,
    ).toBe(0);
  });
});
