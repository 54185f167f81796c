// Measurements of a selfie that tell a live capture from a re-captured image
// (a photo of a screen or of a print). Each is a plain number computed from
// the pixels and the face box; liveness/index.ts turns them into a decision.
//   periodicity — a screen's pixel grid and a print's halftone dots are
//                 periodic; skin and hair are not (peaks in the spectrum);
//   halftone    — periodic peaks in more than one direction (dot screens);
//   enclosure   — straight edges close around the face (a screen's bezel, a
//                 print's border) on how many of its four sides;
//   blackLevel  — the darkest tones near the face: backlit screens and ink on
//                 paper cannot show real black;
//   coldCast    — blue over red on the face, 0–255 units: a backlight's colour;
//   colour      — how far the face's channels differ (0 in a grey image, where
//                 colour cues and the colour-trained models cannot speak).
import type { RgbImage } from '../../models/face.ts';

export interface LivenessSignals {
  periodicity: number;
  halftone: number;
  enclosure: number;
  blackLevel: number;
  coldCast: number;
  colour: number;
}

type Box = [number, number, number, number];

const WINDOW = 256;
/** Twiddle factors e^(−2πik/WINDOW) and the 2-D Hann window, computed once: trigonometry dominated the transform. */
const TWIDDLE_COS = Float64Array.from({ length: WINDOW / 2 }, (_, k) => Math.cos((-2 * Math.PI * k) / WINDOW));
const TWIDDLE_SIN = Float64Array.from({ length: WINDOW / 2 }, (_, k) => Math.sin((-2 * Math.PI * k) / WINDOW));
const HANN = Float64Array.from({ length: WINDOW }, (_, x) => 0.5 - 0.5 * Math.cos((2 * Math.PI * x) / (WINDOW - 1)));

/** In-place radix-2 FFT of one complex row (re, im) of WINDOW samples. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const [r, m] = [re[i]!, im[i]!];
      re[i] = re[j]!;
      im[i] = im[j]!;
      re[j] = r;
      im[j] = m;
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const [stride, half] = [n / size, size / 2];
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const cos = TWIDDLE_COS[k * stride]!;
        const sin = TWIDDLE_SIN[k * stride]!;
        const a = start + k;
        const b = a + half;
        const tr = re[b]! * cos - im[b]! * sin;
        const ti = re[b]! * sin + im[b]! * cos;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a]! += tr;
        im[a]! += ti;
      }
    }
  }
}

/** 2-D magnitude spectrum of a WINDOW² patch, Hann-windowed and mean-removed. */
function spectrum(patch: Float64Array): Float64Array {
  const n = WINDOW;
  let mean = 0;
  for (const v of patch) mean += v;
  mean /= patch.length;
  const re = new Float64Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      re[y * n + x] = (patch[y * n + x]! - mean) * HANN[x]! * HANN[y]!;
    }
  }
  // The input is real, so two rows go through one complex transform (one as
  // the real part, one as the imaginary) and are separated by symmetry; and
  // only columns 0…n/2 are transformed, the rest mirror them: |X(u,v)| = |X(n−u, n−v)|.
  const half = n / 2;
  const [cre, cim] = [new Float64Array((half + 1) * n), new Float64Array((half + 1) * n)]; // column u at u·n
  const [zr, zi] = [new Float64Array(n), new Float64Array(n)];
  for (let y = 0; y < n; y += 2) {
    zr.set(re.subarray(y * n, y * n + n));
    zi.set(re.subarray((y + 1) * n, (y + 1) * n + n));
    fft(zr, zi);
    for (let k = 0; k <= half; k++) {
      const m = (n - k) % n;
      cre[k * n + y] = (zr[k]! + zr[m]!) / 2;
      cim[k * n + y] = (zi[k]! - zi[m]!) / 2;
      cre[k * n + y + 1] = (zi[k]! + zi[m]!) / 2;
      cim[k * n + y + 1] = (zr[m]! - zr[k]!) / 2;
    }
  }
  for (let u = 0; u <= half; u++) fft(cre.subarray(u * n, u * n + n), cim.subarray(u * n, u * n + n));
  const magnitude = new Float64Array(n * n);
  for (let v = 0; v < n; v++) {
    for (let u = 0; u < n; u++) {
      const [cu, cv] = u <= half ? [u, v] : [n - u, (n - v) % n];
      magnitude[v * n + u] = Math.sqrt(cre[cu * n + cv]! ** 2 + cim[cu * n + cv]! ** 2);
    }
  }
  return magnitude;
}

/** A WINDOW² patch of one colour channel (0–2) centred on the face, at native resolution. */
function patchOf(image: RgbImage, box: Box, channel: number): Float64Array {
  const patch = new Float64Array(WINDOW * WINDOW);
  const cx = Math.round(box[0] + box[2] / 2 - WINDOW / 2);
  const cy = Math.round(box[1] + box[3] / 2 - WINDOW / 2);
  const left = Math.max(0, Math.min(image.width - WINDOW, cx));
  const top = Math.max(0, Math.min(image.height - WINDOW, cy));
  for (let y = 0; y < WINDOW; y++) {
    for (let x = 0; x < WINDOW; x++) {
      const px = Math.min(image.width - 1, left + x);
      const py = Math.min(image.height - 1, top + y);
      const i = (py * image.width + px) * 3;
      patch[y * WINDOW + x] = image.data[i + channel]!;
    }
  }
  return patch;
}

interface Peak {
  u: number;
  v: number;
  /** Magnitude over the median magnitude of its ring. */
  strength: number;
}

/**
 * Peaks of the spectrum between periods of 2.5 and 12 px, each against the
 * median of its frequency ring. JPEG's 8-px block grid (frequencies that are
 * multiples of WINDOW/8 on an axis) is left out: every JPEG has it.
 */
/** The half-plane (u ≥ 0) of the spectrum between those periods, grouped by ring radius: the same for every image. */
const RINGS: { u: number; v: number }[][] = (() => {
  const rings: { u: number; v: number }[][] = [];
  for (let v = -WINDOW / 2; v < WINDOW / 2; v++) {
    for (let u = 0; u < WINDOW / 2; u++) {
      const r = Math.round(Math.sqrt(u * u + v * v));
      if (r >= Math.floor(WINDOW / 12) && r <= Math.floor(WINDOW / 2.5)) (rings[r] ??= []).push({ u, v });
    }
  }
  return rings.filter(Boolean);
})();

function peaks(magnitude: Float64Array): Peak[] {
  const n = WINDOW;
  const at = (u: number, v: number) => magnitude[(v & (n - 1)) * n + (u & (n - 1))]!; // n is a power of two: & wraps negatives
  const blockGrid = (k: number) => Math.abs(k) % (n / 8) <= 1 || Math.abs(k) % (n / 8) >= n / 8 - 1;
  const found: Peak[] = [];
  for (const ring of RINGS) {
    const median = Float64Array.from(ring, ({ u, v }) => at(u, v)).sort()[Math.floor(ring.length / 2)] || 1;
    for (const { u, v } of ring) {
      if (Math.abs(v) <= 1 && blockGrid(u)) continue;
      if (u <= 1 && blockGrid(v)) continue;
      const value = at(u, v);
      let isMax = true;
      for (let dv = -2; dv <= 2 && isMax; dv++)
        for (let du = -2; du <= 2; du++) if ((du || dv) && at(u + du, v + dv) > value) isMax = false;
      if (isMax) found.push({ u, v, strength: value / median });
    }
  }
  return found.sort((a, b) => b.strength - a.strength);
}

/** How far apart two peak directions are, degrees (0–90). */
const angleBetween = (a: Peak, b: Peak) => {
  const d = Math.abs(Math.atan2(a.v, a.u) - Math.atan2(b.v, b.u)) * (180 / Math.PI);
  const folded = d % 180;
  return Math.min(folded, 180 - folded);
};

function frequencySignals(image: RgbImage, box: Box): Pick<LivenessSignals, 'periodicity' | 'halftone'> {
  const channelPeaks = [0, 1, 2].map((c) => peaks(spectrum(patchOf(image, box, c))));
  const periodicity = Math.max(...channelPeaks.map((p) => p[0]?.strength ?? 0));
  // Halftone: strong peaks in at least two directions 30° or more apart (dot screens at 15°, 75°, 0°).
  let halftone = 0;
  for (const list of channelPeaks) {
    const strong = list.slice(0, 12);
    for (let a = 0; a < strong.length; a++) {
      for (let b = a + 1; b < strong.length; b++) {
        if (angleBetween(strong[a]!, strong[b]!) >= 30)
          halftone = Math.max(halftone, Math.min(strong[a]!.strength, strong[b]!.strength));
      }
    }
  }
  return { periodicity, halftone };
}

/** Luminance of the whole image. */
function luminance(image: RgbImage): Float32Array {
  const out = new Float32Array(image.width * image.height);
  for (let i = 0; i < out.length; i++)
    out[i] = 0.299 * image.data[3 * i]! + 0.587 * image.data[3 * i + 1]! + 0.114 * image.data[3 * i + 2]!;
  return out;
}

/** How far out from the face a border is looked for, in face widths (sides) or heights (above, below). */
const ENCLOSURE_REACH = 2.5;
/** A border counts when its edge pixels cover this share of the face's span along it. */
const ENCLOSURE_COVER = 0.3;

/**
 * On how many of the face's four sides a straight edge (within ±8° of the
 * image axes) runs close by: a print's border or a screen's bezel around the
 * face. A Hough vote over edge pixels in a lane on each side, reaching
 * ENCLOSURE_REACH face sizes out; only pixels level with the face (0.3 of its
 * size beyond it either way) vote, so a print held small in a large scene is
 * framed as well as one that fills the frame, and a wall's edge far from the
 * face is not. Genuine captures of the real sets show at most one such side,
 * prints and screens three or four.
 */
function enclosure(image: RgbImage, box: Box, lum: Float32Array): number {
  const { width, height } = image;
  const [fx, fy, fw, fh] = box;
  const [cx, cy] = [fx + fw / 2, fy + fh / 2];
  const step = 2;
  const [rowFrom, rowTo] = [Math.max(1, fy - 0.3 * fh), Math.min(height - 1, fy + 1.3 * fh)];
  const [columnFrom, columnTo] = [Math.max(1, fx - 0.3 * fw), Math.min(width - 1, fx + 1.3 * fw)];
  // Edge pixels level with the face: those of vertical edges beside it, of horizontal edges above or below it.
  const besideEdges: [number, number][] = [];
  const aboveBelowEdges: [number, number][] = [];
  // A line counts at a distance from the face's centre outside its box (with 5 % to spare) and within reach;
  // only that far is scanned.
  const [nearX, farX] = [fw * 0.55, fw * (0.5 + ENCLOSURE_REACH)];
  const [nearY, farY] = [fh * 0.55, fh * (0.5 + ENCLOSURE_REACH)];
  const [left, right] = [Math.max(1, Math.floor(cx - farX)), Math.min(width - 1, cx + farX)];
  const [top, bottom] = [Math.max(1, Math.floor(cy - farY)), Math.min(height - 1, cy + farY)];
  const [minVertical, minHorizontal] = [ENCLOSURE_COVER * (rowTo - rowFrom), ENCLOSURE_COVER * (columnTo - columnFrom)];
  for (let y = top; y < bottom; y += step) {
    for (let x = left; x < right; x += step) {
      const gx = lum[y * width + x + 1]! - lum[y * width + x - 1]!;
      const gy = lum[(y + 1) * width + x]! - lum[(y - 1) * width + x]!;
      if (Math.hypot(gx, gy) <= 40) continue;
      if (Math.abs(gx) > Math.abs(gy)) {
        if (y >= rowFrom && y < rowTo) besideEdges.push([x, y]);
      } else if (x >= columnFrom && x < columnTo) aboveBelowEdges.push([x, y]);
    }
  }
  const sides = { left: false, right: false, top: false, bottom: false };
  for (let degrees = -8; degrees <= 8; degrees += 1) {
    const t = (degrees * Math.PI) / 180;
    const [cos, sin] = [Math.cos(t), Math.sin(t)];
    // About the face's centre (cx, cy), so that rho is a line's distance from it whatever its slant.
    // Vertical lines: (x−cx)·cos + (y−cy)·sin = rho; horizontal: (y−cy)·cos − (x−cx)·sin = rho.
    const vertical = new Map<number, number>();
    const horizontal = new Map<number, number>();
    for (const [x, y] of besideEdges) {
      const rho = Math.round((x - cx) * cos + (y - cy) * sin);
      vertical.set(rho, (vertical.get(rho) ?? 0) + 1);
    }
    for (const [x, y] of aboveBelowEdges) {
      const rho = Math.round((y - cy) * cos - (x - cx) * sin);
      horizontal.set(rho, (horizontal.get(rho) ?? 0) + 1);
    }
    for (const [rho, votes] of vertical) {
      if (votes * step < minVertical || Math.abs(rho) <= nearX || Math.abs(rho) >= farX) continue;
      sides[rho < 0 ? 'left' : 'right'] = true;
    }
    for (const [rho, votes] of horizontal) {
      if (votes * step < minHorizontal || Math.abs(rho) <= nearY || Math.abs(rho) >= farY) continue;
      sides[rho < 0 ? 'top' : 'bottom'] = true;
    }
  }
  return Object.values(sides).filter(Boolean).length;
}

/** Darkest tones (2nd percentile of luminance) in the face and its surroundings. */
function blackLevel(image: RgbImage, box: Box, lum: Float32Array): number {
  const [x0, y0, w, h] = box;
  const [top, bottom] = [Math.max(0, Math.round(y0 - h * 0.3)), Math.min(image.height, Math.round(y0 + h * 1.5))];
  const [left, right] = [Math.max(0, Math.round(x0 - w * 0.3)), Math.min(image.width, Math.round(x0 + w * 1.3))];
  // The exact 2nd percentile without sorting every sample: count whole tones, then sort only the tone it falls in.
  const tones = new Uint32Array(256);
  let count = 0;
  for (let y = top; y < bottom; y += 2)
    for (let x = left; x < right; x += 2, count++) tones[Math.min(255, Math.floor(lum[y * image.width + x]!))]!++;
  if (!count) return 0;
  let rank = Math.floor(count * 0.02);
  let tone = 0;
  while (rank >= tones[tone]!) rank -= tones[tone++]!;
  const inTone: number[] = [];
  for (let y = top; y < bottom; y += 2) {
    for (let x = left; x < right; x += 2) {
      const value = lum[y * image.width + x]!;
      if (Math.min(255, Math.floor(value)) === tone) inTone.push(value);
    }
  }
  return inTone.sort((a, b) => a - b)[rank]!;
}

/** Mean of a per-pixel measure over the face's central half. */
function overFaceCentre(image: RgbImage, box: Box, measure: (r: number, g: number, b: number) => number): number {
  const [x0, y0, w, h] = box;
  let sum = 0;
  let count = 0;
  for (let y = Math.max(0, Math.round(y0 + h * 0.25)); y < Math.min(image.height, Math.round(y0 + h * 0.75)); y++) {
    for (let x = Math.max(0, Math.round(x0 + w * 0.25)); x < Math.min(image.width, Math.round(x0 + w * 0.75)); x++) {
      const i = (y * image.width + x) * 3;
      sum += measure(image.data[i]!, image.data[i + 1]!, image.data[i + 2]!);
      count++;
    }
  }
  return count ? sum / count : 0;
}

export function livenessSignals(image: RgbImage, box: Box): LivenessSignals {
  const lum = luminance(image);
  return {
    ...frequencySignals(image, box),
    enclosure: enclosure(image, box, lum),
    blackLevel: blackLevel(image, box, lum),
    coldCast: overFaceCentre(image, box, (r, _g, b) => b - r),
    colour: overFaceCentre(image, box, (r, g, b) => Math.max(r, g, b) - Math.min(r, g, b)),
  };
}
