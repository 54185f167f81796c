// npm run bench (part 4) — faces and liveness:
//  1. match: every same-person and different-person pair of the shared faces,
//     the golden portraits (passport and residence permit, every capture
//     variant) and the golden selfies, scored by Human's faceres (cosine), the
//     face-api ResNet (1 − distance) and both fused; worst cases and margin per
//     method, the bands' outcome, a histogram PNG;
//  1b. faces-dev: the bands on real people's pairs, as photographed and with one
//     photo printed small and grey like a passport portrait; FMR / FNMR;
//  (liveness has its own part: test/bench/liveness.ts);
//  3. speed: portrait + selfie + liveness + match per application (p50/p95);
//  4. memory: RSS of the engine's process over 1000 analysed images.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { percentile } from '../../core/stats.ts';
import type { CaseTruth } from '../../fixtures/cases.ts';
import * as docs from '../../fixtures/lib/documents.ts';
import { FACES, FACE_DIR, type Person } from '../../fixtures/lib/faces.ts';
import { createFaceEngine, type FaceObservation, type RgbImage } from '../../models/face.ts';
import { extractPortrait, matchFaces, MATCH_BANDS, assessSelfie } from '../../pipeline/face/index.ts';
import { assessLiveness } from '../../pipeline/liveness/index.ts';
import { normalize } from '../../pipeline/normalize/index.ts';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const GOLDEN = fileURLToPath(new URL('../../fixtures/golden', import.meta.url));
const MEMORY_IMAGES = Number(process.env.BENCH_FACE_IMAGES ?? 1000);
const LIMITS = { limits: { maxPixels: 50_000_000, maxPdfPages: 10 } };

const engine = await createFaceEngine({ faceres: true });
const rgb = async (bytes: Buffer): Promise<RgbImage> => {
  const { data, info } = await sharp(bytes).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
};
const ms = (t0: number) => performance.now() - t0;

// ---- 1. Match ---------------------------------------------------------------
interface Sample {
  name: string;
  person: Person;
  source: 'shared photo' | 'portrait' | 'selfie';
  descriptor: number[];
  faceres: number[];
}
const samples: Sample[] = [];
const keep = (name: string, person: Person, source: Sample['source'], face: FaceObservation | undefined) => {
  if (!face?.faceres) throw new Error(`no face in ${name}`);
  samples.push({ name, person, source, descriptor: face.descriptor, faceres: face.faceres });
};
for (const [name, photo] of Object.entries(FACES))
  keep(
    name,
    photo.person,
    'shared photo',
    (await engine.detect(await rgb(fs.readFileSync(`${FACE_DIR}${photo.file}`))))[0],
  );

const manifest = JSON.parse(fs.readFileSync(path.join(GOLDEN, 'manifest.json'), 'utf8')) as { cases: string[] };
const seen = new Set<string>();
const speed: { portrait: number[]; selfie: number[]; liveness: number[]; match: number[]; application: number[] } = {
  portrait: [],
  selfie: [],
  liveness: [],
  match: [],
  application: [],
};
for (const name of manifest.cases) {
  const truth = JSON.parse(fs.readFileSync(path.join(GOLDEN, name, 'expected.json'), 'utf8')) as CaseTruth;
  for (const document of truth.documents) {
    if (seen.has(document.file) || !document.person) continue;
    seen.add(document.file);
    const bytes = fs.readFileSync(path.join(GOLDEN, document.file));
    if (document.stages.portrait?.outcome === 'pass') {
      const { pages } = await normalize(
        { kind: document.kind, contentType: document.file.endsWith('.pdf') ? 'application/pdf' : 'image/jpeg', bytes },
        LIMITS,
      );
      const t0 = performance.now();
      const portrait = await extractPortrait(
        pages,
        pages.map((p) => p.index),
        undefined,
        engine,
      );
      speed.portrait.push(ms(t0));
      if (portrait.outcome !== 'pass') throw new Error(`no portrait on ${document.file}`);
      const [face] = await engine.detect(await rgbOfPage(pages, portrait.face!.page, portrait.face!.rotation), {
        thorough: true,
      });
      keep(document.file, document.person, 'portrait', face);
    } else if (document.kind === 'selfie' && document.stages.face) {
      keep(document.file, document.person, 'selfie', (await engine.detect(await rgb(bytes)))[0]);
    }
  }
}

async function rgbOfPage(
  pages: Awaited<ReturnType<typeof normalize>>['pages'],
  index: number,
  rotation: number,
): Promise<RgbImage> {
  const page = pages.find((p) => p.index === index)!;
  const { data, info } = await sharp(page.raster.data, {
    raw: { width: page.raster.width, height: page.raster.height, channels: 3 },
  })
    .rotate(rotation, { background: '#ffffff' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

const cosine = (a: number[], b: number[]) => {
  let [dot, na, nb] = [0, 0, 0];
  for (let i = 0; i < a.length; i++) [dot, na, nb] = [dot + a[i]! * b[i]!, na + a[i]! ** 2, nb + b[i]! ** 2];
  return dot / Math.sqrt(na * nb);
};
const METHODS = {
  faceres: (a: Sample, b: Sample) => cosine(a.faceres, b.faceres),
  resnet: (a: Sample, b: Sample) => 1 - matchFaces(a.descriptor, b.descriptor).distance,
  fused: (a: Sample, b: Sample) =>
    (cosine(a.faceres, b.faceres) + 1 - matchFaces(a.descriptor, b.descriptor).distance) / 2,
};
const pairs: { same: boolean; a: Sample; b: Sample }[] = [];
for (let i = 0; i < samples.length; i++)
  for (let j = i + 1; j < samples.length; j++)
    pairs.push({ same: samples[i]!.person === samples[j]!.person, a: samples[i]!, b: samples[j]! });
const round = (v: number) => Math.round(v * 1000) / 1000;
const methods = Object.fromEntries(
  Object.entries(METHODS).map(([method, score]) => {
    const same = pairs.filter((p) => p.same).map((p) => score(p.a, p.b));
    const different = pairs.filter((p) => !p.same).map((p) => score(p.a, p.b));
    return [
      method,
      {
        sameWorst: round(Math.min(...same)),
        sameMedian: round(percentile(same, 50)),
        differentWorst: round(Math.max(...different)),
        differentMedian: round(percentile(different, 50)),
        margin: round(Math.min(...same) - Math.max(...different)),
      },
    ];
  }),
);
const bands = { same: { approve: 0, review: 0, decline: 0 }, different: { approve: 0, review: 0, decline: 0 } };
for (const pair of pairs)
  bands[pair.same ? 'same' : 'different'][matchFaces(pair.a.descriptor, pair.b.descriptor).band]++;
console.log(
  `\nFace match: ${samples.length} faces (${samples.filter((s) => s.source === 'shared photo').length} shared photos, ${samples.filter((s) => s.source === 'portrait').length} document portraits, ${samples.filter((s) => s.source === 'selfie').length} selfies), ${pairs.filter((p) => p.same).length} same-person and ${pairs.filter((p) => !p.same).length} different-person pairs`,
);
console.table(methods);
console.log(
  `Bands on the ResNet distance (approve ≤ ${MATCH_BANDS[0]!.maxDistance}, review ≤ ${MATCH_BANDS[1]!.maxDistance}, decline above):`,
);
console.table(bands);

// ---- 1b. Real people: faces-dev ------------------------------------------------
// 14 people, 94 same-person and 94 different-person pairs (../shared/datasets/faces-dev).
// Each pair as photographed, and with its first photo turned into a passport
// portrait as printed: grey, the face 60 px wide — against the second as is.
const FACES_DEV = path.resolve(process.env.FACES_DEV ?? '../shared/datasets/faces-dev');
const PRINTED_FACE_WIDTH = 60;
const tsvRows = (file: string) =>
  fs
    .readFileSync(path.join(FACES_DEV, file), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'));
const devFaces = new Map<string, { photo?: number[]; printed?: number[] }>();
for (const [file] of tsvRows('identities.tsv')) {
  const image = await rgb(fs.readFileSync(path.join(FACES_DEV, file!)));
  const [face] = await engine.detect(image);
  let printed: number[] | undefined;
  if (face) {
    const scale = PRINTED_FACE_WIDTH / face.box[2];
    const luma: [number, number, number] = [0.299, 0.587, 0.114];
    const small = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .resize(Math.round(image.width * scale))
      .recomb([luma, luma, luma])
      .raw()
      .toBuffer({ resolveWithObject: true });
    printed = (
      await engine.detect({ width: small.info.width, height: small.info.height, data: small.data }, { thorough: true })
    )[0]?.descriptor;
  }
  devFaces.set(file!, { photo: face?.descriptor, printed });
}
const devPairs = tsvRows('pairs.tsv').map(([a, b, same]) => ({
  a: devFaces.get(a!)!,
  b: devFaces.get(b!)!,
  same: same === '1',
}));
const realBands: Record<string, Record<'approve' | 'review' | 'decline' | 'no face', number>> = {};
for (const [variant, first] of [
  ['as photographed', 'photo'],
  ['first printed small, grey', 'printed'],
] as const) {
  for (const pair of devPairs) {
    const row = (realBands[`${variant}: ${pair.same ? 'same' : 'different'}`] ??= {
      approve: 0,
      review: 0,
      decline: 0,
      'no face': 0,
    });
    const [x, y] = [pair.a[first], pair.b.photo];
    row[x && y ? matchFaces(x, y).band : 'no face']++;
  }
}
const rateOf = (row: Record<string, number>, key: string) =>
  round(row[key]! / Object.values(row).reduce((a, b) => a + b, 0));
const realRates = Object.fromEntries(
  (['as photographed', 'first printed small, grey'] as const).map((variant) => {
    const [same, different] = [realBands[`${variant}: same`]!, realBands[`${variant}: different`]!];
    return [
      variant,
      {
        'FNMR (same declined)': rateOf(same, 'decline'),
        'same not approved': round(1 - rateOf(same, 'approve')),
        'FMR (different approved)': rateOf(different, 'approve'),
        'different not declined': round(1 - rateOf(different, 'decline')),
      },
    ];
  }),
);
console.log(
  `\nFaces-dev (real people): ${devPairs.filter((p) => p.same).length} same-person and ${devPairs.filter((p) => !p.same).length} different-person pairs, bands on the ResNet distance`,
);
console.table(realBands);
console.table(realRates);

/** Histogram of ResNet distances, same vs different, as a small PNG. */
async function histogram(file: string): Promise<void> {
  const [width, height, binWidth] = [640, 260, 0.02];
  const bins = Math.ceil(1.2 / binWidth);
  const count = (same: boolean) => {
    const h = new Array<number>(bins).fill(0);
    for (const p of pairs.filter((x) => x.same === same))
      h[Math.min(bins - 1, Math.floor(matchFaces(p.a.descriptor, p.b.descriptor).distance / binWidth))]!++;
    return h;
  };
  const [same, different] = [count(true), count(false)];
  const top = Math.max(...same, ...different);
  const x = (bin: number) => 40 + (bin * (width - 60)) / bins;
  const bar = (h: number[], colour: string) =>
    h
      .map(
        (n, bin) =>
          `<rect x="${x(bin)}" y="${height - 30 - (n / top) * (height - 60)}" width="${(width - 60) / bins - 1}" height="${(n / top) * (height - 60)}" fill="${colour}" fill-opacity="0.7"/>`,
      )
      .join('');
  const lines = MATCH_BANDS.slice(0, 2).map(
    (b) =>
      `<line x1="${x(b.maxDistance / binWidth)}" x2="${x(b.maxDistance / binWidth)}" y1="20" y2="${height - 30}" stroke="#333" stroke-dasharray="4 3"/>`,
  );
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1.0].map(
    (d) =>
      `<text x="${x(d / binWidth)}" y="${height - 12}" font-size="11" font-family="sans-serif" text-anchor="middle">${d.toFixed(1)}</text>`,
  );
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/>${bar(same, '#2a7')}${bar(different, '#c33')}${lines.join('')}${ticks.join('')}<text x="40" y="16" font-size="12" font-family="sans-serif">ResNet descriptor distance — green: same person (${pairs.filter((p) => p.same).length}), red: different (${pairs.filter((p) => !p.same).length}); dashed: band limits</text></svg>`;
  await sharp(Buffer.from(svg)).png().toFile(file);
}
fs.mkdirSync(RESULTS, { recursive: true });
await histogram(path.join(RESULTS, 'face-distances.png'));

// ---- 3. Speed per application ------------------------------------------------
for (const name of manifest.cases.filter((c) => c.startsWith('valid-'))) {
  const truth = JSON.parse(fs.readFileSync(path.join(GOLDEN, name, 'expected.json'), 'utf8')) as CaseTruth;
  const passport = truth.documents.find((d) => d.kind === 'passport')!;
  const selfie = truth.documents.find((d) => d.kind === 'selfie')!;
  const { pages } = await normalize(
    { kind: 'passport', contentType: 'image/jpeg', bytes: fs.readFileSync(path.join(GOLDEN, passport.file)) },
    LIMITS,
  );
  const selfieImage = await rgb(fs.readFileSync(path.join(GOLDEN, selfie.file)));
  const t0 = performance.now();
  const portrait = await extractPortrait(pages, [0], { page: 0, rotation: 0 }, engine);
  const t1 = performance.now();
  const faces = await engine.detect(selfieImage);
  await assessLiveness(selfieImage, faces, engine);
  const t2 = performance.now();
  const own = assessSelfie(selfieImage, faces);
  const t3 = performance.now();
  matchFaces(portrait.face!.descriptor, own.face!.descriptor);
  const t4 = performance.now();
  speed.portrait.push(t1 - t0);
  speed.liveness.push(t2 - t1);
  speed.selfie.push(t3 - t2);
  speed.match.push(t4 - t3);
  speed.application.push(t4 - t0);
}
const timing = Object.fromEntries(
  Object.entries(speed).map(([k, v]) => [
    k,
    { n: v.length, p50Ms: Math.round(percentile(v, 50)), p95Ms: Math.round(percentile(v, 95)) },
  ]),
);
console.log('\nSpeed (warm engine, this process; liveness includes face detection on the selfie)');
console.table(timing);

// ---- 4. Memory over many images ------------------------------------------------
const images = await Promise.all(
  ['obama-2', 'biden-1', 'obama-3'].map(async (photo, i) =>
    rgb(
      await sharp(await docs.selfie(photo, i))
        .jpeg()
        .toBuffer(),
    ),
  ),
);
const rss: { images: number; rssMb: number }[] = [];
for (let i = 0; i <= MEMORY_IMAGES; i++) {
  if (i % Math.max(1, Math.round(MEMORY_IMAGES / 10)) === 0)
    rss.push({ images: i, rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) });
  if (i < MEMORY_IMAGES) {
    const image = images[i % images.length]!;
    await assessLiveness(image, await engine.detect(image), engine);
  }
}
console.log(
  `\nRSS over ${MEMORY_IMAGES} analysed selfies (detector, mesh, both descriptors, liveness signals, both MiniFASNet models)`,
);
console.table(rss);

fs.writeFileSync(
  path.join(RESULTS, 'face.json'),
  `${JSON.stringify({ match: { faces: samples.length, pairs: { same: pairs.filter((p) => p.same).length, different: pairs.filter((p) => !p.same).length }, methods, bands, bandLimits: MATCH_BANDS }, facesDev: { bands: realBands, rates: realRates }, timing, rss }, null, 2)}\n`,
);
console.log(`\nwrote ${path.join(RESULTS, 'face.json')} and face-distances.png`);
if (process.env.BENCH_FACE_DEBUG) {
  const worst = pairs
    .filter((p) => p.same)
    .map((p) => ({ a: p.a.name, b: p.b.name, d: matchFaces(p.a.descriptor, p.b.descriptor).distance }))
    .sort((x, y) => y.d - x.d)
    .slice(0, 15);
  console.table(worst);
}
