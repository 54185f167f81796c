// npm run bench (part 8) — passive liveness on real and synthetic captures, in
// ISO/IEC 30107-3 terms: APCER per attack type (attacks accepted as live) and
// BPCER (genuine captures refused), per set, for the rule table without the
// learned anti-spoof rules ("signals") and with them ("fused"), computed on the
// same inputs in the same run, and for the whole selfie gate (the fused rules,
// then the selfie rules a selfie must also pass: one face, large, frontal…). Sets:
//   spoof-dev — ../shared/datasets/spoof-dev: real screen replays, prints, genuine captures;
//   faces-dev — ../shared/datasets/faces-dev: genuine photos only (BPCER);
//   synthetic — the fixture selfies, their screen-replay (A) and print (B) renders.
// Also the time per selfie of the inputs and of the anti-spoof models alone. LIVENESS_ROWS=1 prints every
// image's inputs (what the thresholds are read from). Writes results/liveness.json.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { percentile } from '../../core/stats.ts';
import * as docs from '../../fixtures/lib/documents.ts';
import { FACES } from '../../fixtures/lib/faces.ts';
import { createRandom } from '../../fixtures/lib/random.ts';
import { printedPhoto, screenReplay } from '../../fixtures/render/spoofs.ts';
import { createFaceEngine, type FaceEngine, type RgbImage } from '../../models/face.ts';
import { assessSelfie } from '../../pipeline/face/index.ts';
import { decideLiveness, livenessInputs, LIVENESS_RULES, type LivenessInputs } from '../../pipeline/liveness/index.ts';

const SHARED = path.resolve(process.env.SHARED_DATASETS ?? '../shared/datasets');
const RESULTS = fileURLToPath(new URL('./results/liveness.json', import.meta.url));
const SEEDS = Number(process.env.BENCH_LIVENESS_SEEDS ?? 8);

type Attack = 'screen' | 'print';
interface Capture {
  set: string;
  name: string;
  /** undefined for a genuine capture. */
  attack?: Attack;
  bytes: Buffer;
}

const tsv = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'));

const captures: Capture[] = [];
for (const [file, label, attack] of tsv(path.join(SHARED, 'spoof-dev/labels.tsv'))) {
  captures.push({
    set: 'spoof-dev',
    name: file!,
    ...(label === 'spoof' ? { attack: attack as Attack } : {}),
    bytes: fs.readFileSync(path.join(SHARED, 'spoof-dev', file!)),
  });
}
for (const [file] of tsv(path.join(SHARED, 'faces-dev/identities.tsv'))) {
  captures.push({ set: 'faces-dev', name: file!, bytes: fs.readFileSync(path.join(SHARED, 'faces-dev', file!)) });
}
for (const photo of Object.keys(FACES)) {
  for (let seed = 0; seed < SEEDS; seed++) {
    const random = createRandom(`bench-liveness/${photo}/${seed}`);
    const genuine = await docs.selfie(photo, seed);
    captures.push({
      set: 'synthetic',
      name: `${photo}#${seed}`,
      bytes: await sharp(genuine)
        .jpeg({ quality: random.int(70, 95) })
        .toBuffer(),
    });
    captures.push({
      set: 'synthetic',
      name: `${photo}#${seed} A`,
      attack: 'screen',
      bytes: await screenReplay(genuine, random),
    });
    captures.push({
      set: 'synthetic',
      name: `${photo}#${seed} B`,
      attack: 'print',
      bytes: await printedPhoto(genuine, random),
    });
  }
}

const engine = await createFaceEngine();
const rgb = async (bytes: Buffer): Promise<RgbImage> => {
  const { data, info } = await sharp(bytes).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
};

const rows: (Capture & { inputs: LivenessInputs; faceFound: boolean; selfieRefusal?: string })[] = [];
const ms: { inputs: number[]; models: number[] } = { inputs: [], models: [] };
const timedEngine: Pick<FaceEngine, 'antiSpoof'> = {
  async antiSpoof(image, box) {
    const t0 = performance.now();
    const scores = await engine.antiSpoof(image, box);
    ms.models.push(performance.now() - t0);
    return scores;
  },
};
for (const capture of captures) {
  const image = await rgb(capture.bytes);
  const faces = await engine.detect(image);
  const t0 = performance.now();
  const inputs = await livenessInputs(image, faces, timedEngine);
  ms.inputs.push(performance.now() - t0);
  const selfie = assessSelfie(image, faces);
  rows.push({
    ...capture,
    inputs,
    faceFound: faces.length > 0,
    ...(selfie.outcome === 'fail' ? { selfieRefusal: selfie.reasonCode } : {}),
  });
}

const TABLES = { signals: LIVENESS_RULES.filter((rule) => rule.signal !== 'antiSpoof'), fused: LIVENESS_RULES };
/** The whole selfie gate: the fused liveness rules, then the selfie rules (one face, large, frontal, …) that a selfie must pass too. */
const refused = (row: (typeof rows)[number], table: keyof typeof TABLES | 'fused + selfie rules') =>
  table === 'fused + selfie rules'
    ? decideLiveness(row.inputs).decision === 'attack' || row.selfieRefusal !== undefined
    : decideLiveness(row.inputs, TABLES[table]).decision === 'attack';
const round = (v: number) => Math.round(v * 1000) / 1000;
const results: Record<string, Record<string, Record<string, string>>> = {};
const json: Record<string, Record<string, Record<string, { errors: number; of: number; rate: number }>>> = {};
for (const table of [...Object.keys(TABLES), 'fused + selfie rules'] as const) {
  for (const set of [...new Set(rows.map((row) => row.set))]) {
    const ofSet = rows.filter((row) => row.set === set);
    const groups: [string, typeof ofSet, boolean][] = [
      ['BPCER (genuine refused)', ofSet.filter((row) => !row.attack), true],
      ...(['screen', 'print'] as const).map((attack): [string, typeof ofSet, boolean] => [
        `APCER ${attack} (accepted)`,
        ofSet.filter((row) => row.attack === attack),
        false,
      ]),
    ];
    for (const [measure, group, genuine] of groups) {
      if (!group.length) continue;
      const errors = group.filter((row) => refused(row, table as Parameters<typeof refused>[1]) === genuine).length;
      ((results[set] ??= {})[measure] ??= {})[table] =
        `${errors}/${group.length} (${Math.round((100 * errors) / group.length)} %)`;
      ((json[set] ??= {})[measure] ??= {})[table] = { errors, of: group.length, rate: round(errors / group.length) };
    }
  }
}

if (process.env.LIVENESS_ROWS) {
  console.table(
    rows.map((row) => ({
      set: row.set,
      name: row.name.slice(0, 28),
      attack: row.attack ?? '-',
      face: row.faceFound,
      ...Object.fromEntries(Object.entries(row.inputs).map(([k, v]) => [k, round(v)])),
      fused: decideLiveness(row.inputs).decision,
      selfie: row.selfieRefusal ?? 'pass',
    })),
  );
}
console.log(
  `\nPassive liveness (ISO/IEC 30107-3): errors per set, the signal rules alone vs fused with MiniFASNet — ${rows.length} captures`,
);
for (const [set, measures] of Object.entries(results)) {
  console.log(set);
  console.table(measures);
}
const timing = Object.fromEntries(
  Object.entries(ms).map(([k, v]) => [
    k,
    { p50Ms: Math.round(percentile(v, 50)), p95Ms: Math.round(percentile(v, 95)) },
  ]),
);
console.log(
  'Per selfie, face already found, ms: every liveness input (pixel signals + models), and the two anti-spoof models alone:',
);
console.table(timing);
fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
fs.writeFileSync(
  RESULTS,
  `${JSON.stringify({ captures: rows.length, sets: json, timing, rows: rows.map((row) => ({ set: row.set, name: row.name, attack: row.attack ?? null, faceFound: row.faceFound, selfieRefusal: row.selfieRefusal ?? null, inputs: Object.fromEntries(Object.entries(row.inputs).map(([k, v]) => [k, round(v)])) })) }, null, 2)}\n`,
);
console.log(`wrote ${RESULTS}`);
process.exit(0);
