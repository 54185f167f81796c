import fs from 'node:fs';
import path from 'node:path';
import { createFaceEngine } from '../models/face.ts';
import { createTextDetector } from '../models/text-detector.ts';
import { createMrzBlockReader, createMrzLineReader, createTextReader } from '../models/tesseract.ts';
import { runPipeline } from '../pipeline/stages.ts';
import { sniffType } from '../pipeline/intake/sniff.ts';

const stats: Record<string, { n: number; ms: number }> = {};
const timed = <A extends unknown[], T>(name: string, f: (...a: A) => Promise<T>) => async (...a: A) => {
  const t = performance.now();
  try { return await f(...a); } finally { const s = (stats[name] ??= { n: 0, ms: 0 }); s.n++; s.ms += performance.now() - t; }
};
const COPIES = Number(process.env.COPIES ?? 1);
const spread = async <E extends { read: (...a: any[]) => Promise<any> }>(start: () => Promise<E>): Promise<E> => {
  const engines = await Promise.all(Array.from({ length: COPIES }, start));
  const busy = engines.map(() => 0);
  return { ...engines[0]!, read: async (...a: any[]) => { const i = busy.indexOf(Math.min(...busy)); busy[i]++; try { return await engines[i]!.read(...a); } finally { busy[i]--; } } } as E;
};
const [line, block, det, eng, rus, face] = await Promise.all([spread(createMrzLineReader), createMrzBlockReader(), createTextDetector(), spread(() => createTextReader('eng')), createTextReader('rus'), createFaceEngine()]);
const ocr = {
  mrzLine: timed('mrzLine', (b: Buffer) => line.read(b)),
  mrzBlock: timed('mrzBlock', (b: Buffer) => block.read(b)),
  textBoxes: timed('textBoxes', (g: any, s: number) => det.read(g, s)),
  latin: (b: Buffer, o?: any) => timed(o?.layout === 'line' ? 'latinLine' : 'latinPage', (b: Buffer, o?: any) => eng.read(b, o))(b, o),
  cyrillic: timed('cyrillic', (b: Buffer, o?: any) => rus.read(b, o)),
};
const dir = process.argv[2] ?? 'fixtures/golden';
const files: string[] = [];
for (const c of fs.readdirSync(dir)) {
  const exp = path.join(dir, c, 'expected.json');
  if (!fs.existsSync(exp)) continue;
  for (const d of JSON.parse(fs.readFileSync(exp, 'utf8')).documents) if (d.kind === 'passport' && !/blur|lowres|glare|dark/.test(c)) files.push(path.join(dir, d.file));
}
const only = process.env.N ? files.slice(0, Number(process.env.N)) : files;
const totals: number[] = [];
const stageMs: Record<string, number[]> = {};
for (let pass = 0; pass < 2; pass++) {
  for (const k of Object.keys(stats)) delete stats[k];
  totals.length = 0; for (const k of Object.keys(stageMs)) delete stageMs[k];
  for (const f of only) {
    const bytes = fs.readFileSync(f);
    const recs = await runPipeline({ kind: 'passport', contentType: sniffType(bytes).accepted ?? 'image/jpeg', bytes }, { limits: { maxPixels: 5e7, maxPdfPages: 10 }, now: () => new Date('2026-06-01'), ocr, face } as any);
    let sum = 0;
    for (const r of recs) { (stageMs[r.stage] ??= []).push(r.durationMs); sum += r.durationMs; }
    totals.push(sum);
    if (pass) console.log(path.basename(path.dirname(f)), recs.map((r) => `${r.stage}:${r.outcome}:${r.durationMs}`).join(' '));
  }
}
const p = (v: number[], q: number) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) * q)];
console.log('total p50', p(totals, 0.5), 'p95', p(totals, 0.95));
for (const [k, v] of Object.entries(stageMs)) console.log(k, p(v, 0.5), p(v, 0.95));
console.table(Object.fromEntries(Object.entries(stats).map(([k, s]) => [k, { n: s.n, ms: Math.round(s.ms), per: Math.round(s.ms / s.n) }])));
process.exit(0);
