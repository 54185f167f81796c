// Measurements of a selfie that tell a live capture from a re-captured image
// (a photo of a screen or of a print). Each is a plain number computed from
// the pixels and the face box; liveness/index.ts turns them into a decision.
//   periodicity — a screen's pixel grid and a print's halftone dots are
//                 periodic; skin and hair are not (peaks in the spectrum);
//   subpixel    — a screen's RGB stripes: a peak at a period of 3 px whose
//                 phase differs between the colour channels;
//   halftone    — periodic peaks in more than one direction (dot screens);
//   enclosure   — long straight edges around the face (a screen's bezel, a
//                 print's border) on how many of its four sides;
//   blackLevel  — the darkest tones near the face: backlit screens and ink on
//                 paper cannot show real black;
//   coldCast    — blue over red on the face, 0–255 units: a backlight's colour;
//   colour      — how far the face's channels differ (0 in a grey image, where
//                 colour cues and the colour-trained models cannot speak);
//   doubleJpeg  — periodic gaps in the DCT coefficients of a twice-compressed image.
import type { RgbImage } from '../../models/face.ts';

export interface LivenessSignals {
  periodicity: number;
  subpixel: number;
  halftone: number;
  enclosure: number;
  blackLevel: number;
  coldCast: number;
  colour: number;
  doubleJpeg: number;
}

type Box = [number, number, number, number];

const WINDOW = 256;

/** In-place radix-2 FFT of one complex row (re, im). */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const step = (-2 * Math.PI) / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < size / 2; k++) {
        const [cos, sin] = [Math.cos(step * k), Math.sin(step * k)];
        const a = start + k;
        const b = a + size / 2;
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

/** 2-D spectrum (magnitude and phase) of a WINDOW² patch, Hann-windowed and mean-removed. */
function spectrum(patch: Float64Array): { magnitude: Float64Array; phase: Float64Array } {
  const n = WINDOW;
  let mean = 0;
  for (const v of patch) mean += v;
  mean /= patch.length;
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const hann = (0.5 - 0.5 * Math.cos((2 * Math.PI * x) / (n - 1))) * (0.5 - 0.5 * Math.cos((2 * Math.PI * y) / (n - 1)));
      re[y * n + x] = (patch[y * n + x]! - mean) * hann;
    }
  }
  const rowRe = new Float64Array(n);
  const rowIm = new Float64Array(n);
  for (let pass = 0; pass < 2; pass++) {
    for (let line = 0; line < n; line++) {
      for (let k = 0; k < n; k++) {
        const i = pass === 0 ? line * n + k : k * n + line;
        rowRe[k] = re[i]!;
        rowIm[k] = im[i]!;
      }
      fft(rowRe, rowIm);
      for (let k = 0; k < n; k++) {
        const i = pass === 0 ? line * n + k : k * n + line;
        re[i] = rowRe[k]!;
        im[i] = rowIm[k]!;
      }
    }
  }
  const magnitude = new Float64Array(n * n);
  const phase = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) {
    magnitude[i] = Math.hypot(re[i]!, im[i]!);
    phase[i] = Math.atan2(im[i]!, re[i]!);
  }
  return { magnitude, phase };
}

/** A WINDOW² patch of one channel (or luminance, channel -1) centred on the face, at native resolution. */
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
      patch[y * WINDOW + x] = channel < 0 ? 0.299 * image.data[i]! + 0.587 * image.data[i + 1]! + 0.114 * image.data[i + 2]! : image.data[i + channel]!;
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
function peaks(magnitude: Float64Array): Peak[] {
  const n = WINDOW;
  const rings = new Map<number, number[]>();
  const at = (u: number, v: number) => magnitude[((v + n) % n) * n + ((u + n) % n)]!;
  const minRadius = Math.floor(n / 12);
  const maxRadius = Math.floor(n / 2.5);
  for (let v = -n / 2; v < n / 2; v++) {
    for (let u = 0; u < n / 2; u++) {
      const r = Math.round(Math.hypot(u, v));
      if (r < minRadius || r > maxRadius) continue;
      (rings.get(r) ?? rings.set(r, []).get(r)!).push(at(u, v));
    }
  }
  const medians = new Map([...rings].map(([r, values]) => [r, values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!]));
  const blockGrid = (k: number) => Math.abs(k) % (n / 8) <= 1 || Math.abs(k) % (n / 8) >= n / 8 - 1;
  const found: Peak[] = [];
  for (let v = -n / 2; v < n / 2; v++) {
    for (let u = 0; u < n / 2; u++) {
      const r = Math.round(Math.hypot(u, v));
      if (r < minRadius || r > maxRadius) continue;
      if ((v === 0 || Math.abs(v) <= 1) && blockGrid(u)) continue;
      if ((u === 0 || u <= 1) && blockGrid(v)) continue;
      const value = at(u, v);
      let isMax = true;
      for (let dv = -2; dv <= 2 && isMax; dv++) for (let du = -2; du <= 2; du++) if ((du || dv) && at(u + du, v + dv) > value) isMax = false;
      if (isMax) found.push({ u, v, strength: value / (medians.get(r) || 1) });
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

function frequencySignals(image: RgbImage, box: Box): Pick<LivenessSignals, 'periodicity' | 'subpixel' | 'halftone'> {
  const channels = [0, 1, 2].map((c) => spectrum(patchOf(image, box, c)));
  const channelPeaks = channels.map((c) => peaks(c.magnitude));
  const strongest = channelPeaks.map((p) => p[0]?.strength ?? 0);
  const periodicity = Math.max(...strongest);
  // Screen stripes: period 3 px along x (u ≈ WINDOW/3, v ≈ 0), out of phase between channels.
  const stripe = { u: Math.round(WINDOW / 3), v: 0 };
  let subpixel = 0;
  for (let du = -2; du <= 2; du++) {
    const i = stripe.u + du;
    const strengths = channelPeaks.map((p) => p.find((peak) => peak.u === i && Math.abs(peak.v) <= 2)?.strength ?? 0);
    const phases = channels.map((c) => c.phase[i]!);
    const phaseSpread = Math.max(...phases) - Math.min(...phases);
    if (Math.min(...strengths) > 0 && phaseSpread > 1) subpixel = Math.max(subpixel, Math.min(...strengths));
  }
  // Halftone: strong peaks in at least two directions 30° or more apart (dot screens at 15°, 75°, 0°).
  let halftone = 0;
  for (const list of channelPeaks) {
    const strong = list.slice(0, 12);
    for (let a = 0; a < strong.length; a++) {
      for (let b = a + 1; b < strong.length; b++) {
        if (angleBetween(strong[a]!, strong[b]!) >= 30) halftone = Math.max(halftone, Math.min(strong[a]!.strength, strong[b]!.strength));
      }
    }
  }
  return { periodicity, subpixel, halftone };
}

/** Luminance of the whole image. */
function luminance(image: RgbImage): Float32Array {
  const out = new Float32Array(image.width * image.height);
  for (let i = 0; i < out.length; i++) out[i] = 0.299 * image.data[3 * i]! + 0.587 * image.data[3 * i + 1]! + 0.114 * image.data[3 * i + 2]!;
  return out;
}

/**
 * On how many of the face's four sides a long straight edge (within ±8° of the
 * image axes) runs, outside the face: a Hough vote over edge pixels.
 */
function enclosure(image: RgbImage, box: Box, lum: Float32Array): number {
  const { width, height } = image;
  const step = 2;
  const edges: [number, number, boolean][] = [];
  for (let y = 1; y < height - 1; y += step) {
    for (let x = 1; x < width - 1; x += step) {
      const gx = lum[y * width + x + 1]! - lum[y * width + x - 1]!;
      const gy = lum[(y + 1) * width + x]! - lum[(y - 1) * width + x]!;
      if (Math.hypot(gx, gy) > 40) edges.push([x, y, Math.abs(gx) > Math.abs(gy)]);
    }
  }
  const [fx, fy, fw, fh] = box;
  const sides = { left: false, right: false, top: false, bottom: false };
  for (let degrees = -8; degrees <= 8; degrees += 1) {
    const t = (degrees * Math.PI) / 180;
    const [cos, sin] = [Math.cos(t), Math.sin(t)];
    // Vertical lines: x·cos + y·sin = rho; horizontal: y·cos − x·sin = rho.
    const vertical = new Map<number, number>();
    const horizontal = new Map<number, number>();
    for (const [x, y, mostlyHorizontalGradient] of edges) {
      if (mostlyHorizontalGradient) {
        const rho = Math.round(x * cos + y * sin);
        vertical.set(rho, (vertical.get(rho) ?? 0) + 1);
      } else {
        const rho = Math.round(y * cos - x * sin);
        horizontal.set(rho, (horizontal.get(rho) ?? 0) + 1);
      }
    }
    // A side counts when a line covers 45 % of the image's extent beside the face, outside the face box.
    for (const [rho, votes] of vertical) {
      if (votes * step < 0.45 * height) continue;
      if (rho < fx - fw * 0.05) sides.left = true;
      if (rho > fx + fw * 1.05) sides.right = true;
    }
    for (const [rho, votes] of horizontal) {
      if (votes * step < 0.45 * width) continue;
      if (rho < fy - fh * 0.05) sides.top = true;
      if (rho > fy + fh * 1.05) sides.bottom = true;
    }
  }
  return Object.values(sides).filter(Boolean).length;
}

/** Darkest tones (2nd percentile of luminance) in the face and its surroundings. */
function blackLevel(image: RgbImage, box: Box, lum: Float32Array): number {
  const [x0, y0, w, h] = box;
  const values: number[] = [];
  for (let y = Math.max(0, Math.round(y0 - h * 0.3)); y < Math.min(image.height, Math.round(y0 + h * 1.5)); y += 2) {
    for (let x = Math.max(0, Math.round(x0 - w * 0.3)); x < Math.min(image.width, Math.round(x0 + w * 1.3)); x += 2) values.push(lum[y * image.width + x]!);
  }
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length * 0.02)] ?? 0;
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

/**
 * Double quantisation: a JPEG decompressed and compressed again leaves the
 * histogram of a DCT coefficient with periodic gaps. The measure is the share
 * of the histogram's energy (low AC coefficients of the 8×8 blocks) in its
 * periodic part (spectrum peaks over periods of 2–6 bins).
 */
function doubleJpeg(image: RgbImage, lum: Float32Array): number {
  const basis = Array.from({ length: 8 }, (_, k) => Array.from({ length: 8 }, (__, x) => Math.cos(((2 * x + 1) * k * Math.PI) / 16) * (k === 0 ? Math.SQRT1_2 : 1) * 0.5));
  const coefficients: [number, number][] = [
    [0, 1],
    [1, 0],
    [1, 1],
  ];
  const bins = 64;
  const histograms = coefficients.map(() => new Float64Array(bins));
  for (let by = 0; by + 8 <= image.height; by += 8) {
    for (let bx = 0; bx + 8 <= image.width; bx += 8) {
      coefficients.forEach(([u, v], c) => {
        let sum = 0;
        for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) sum += (lum[(by + y) * image.width + bx + x]! - 128) * basis[u]![x]! * basis[v]![y]!;
        const bin = Math.round(Math.abs(sum));
        if (bin > 0 && bin < bins) histograms[c]![bin]!++;
      });
    }
  }
  let score = 0;
  for (const histogram of histograms) {
    const total = histogram.reduce((a, b) => a + b, 0);
    if (total < 100) continue;
    // Periodic part: power at periods 2–6 bins, over all non-DC power of the (detrended) histogram.
    const detrended = histogram.map((value, i) => value - (histogram[Math.max(1, i - 3)]! + histogram[Math.min(bins - 1, i + 3)]!) / 2);
    let periodic = 0;
    let all = 0;
    for (let k = 1; k < bins / 2; k++) {
      let re = 0;
      let im = 0;
      for (let i = 1; i < bins; i++) {
        re += detrended[i]! * Math.cos((2 * Math.PI * k * i) / bins);
        im -= detrended[i]! * Math.sin((2 * Math.PI * k * i) / bins);
      }
      const power = re * re + im * im;
      all += power;
      if (bins / k >= 2 && bins / k <= 6) periodic += power;
    }
    if (all > 0) score = Math.max(score, periodic / all);
  }
  return score;
}

export function livenessSignals(image: RgbImage, box: Box): LivenessSignals {
  const lum = luminance(image);
  return {
    ...frequencySignals(image, box),
    enclosure: enclosure(image, box, lum),
    blackLevel: blackLevel(image, box, lum),
    coldCast: overFaceCentre(image, box, (r, _g, b) => b - r),
    colour: overFaceCentre(image, box, (r, g, b) => Math.max(r, g, b) - Math.min(r, g, b)),
    doubleJpeg: doubleJpeg(image, lum),
  };
}
