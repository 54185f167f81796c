// npm run bench (part 2) — MRZ line OCR on real crops: exact-line rate and
// character error rate, before and after check-digit repair, per-line time,
// and Tesseract worker start-up. Dataset: ../shared/datasets/mrz-lines
// (or MRZ_LINES_DIR). Writes test/bench/results/mrz-lines.json.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile } from '../../core/stats.ts';
import { createMrzLineReader } from '../../models/tesseract.ts';
import { createStagePool } from '../../workers/pool.ts';
import { mapLimit } from '../../workers/reader.ts';

const DIR = path.resolve(process.env.MRZ_LINES_DIR ?? '../shared/datasets/mrz-lines');
const THREADS = Number(process.env.POOL_THREADS ?? 2);
const RESULTS = fileURLToPath(new URL('./results/mrz-lines.json', import.meta.url));

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

if (!fs.existsSync(path.join(DIR, 'labels.tsv'))) {
  console.log(`skipping MRZ lines: no labels.tsv in ${DIR} (set MRZ_LINES_DIR)`);
  process.exit(0);
}
const labels = fs
  .readFileSync(path.join(DIR, 'labels.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split('\t') as [string, string]);

// Start-up of one worker, measured on its own.
const startedAt = performance.now();
const probe = await createMrzLineReader();
const startupMs = Math.round(performance.now() - startedAt);
await probe.close();

const pool = createStagePool(THREADS);
// Warm every thread's reader before timing.
await Promise.all(
  Array.from({ length: THREADS }, () =>
    pool.run({ type: 'mrz_line', bytes: fs.readFileSync(path.join(DIR, `${labels[0]![0]}.png`)) }),
  ),
);
const times: number[] = [];
const wall = performance.now();
const results = await mapLimit(labels, THREADS, async ([id, truth]) => {
  const t0 = performance.now();
  const result = await pool.run({ type: 'mrz_line', bytes: fs.readFileSync(path.join(DIR, `${id}.png`)) });
  times.push(performance.now() - t0);
  return { id, truth, raw: result.raw, text: result.text, corrected: result.corrections.length > 0 };
});
const wallSeconds = (performance.now() - wall) / 1000;
await pool.close();

const rate = (pick: (r: (typeof results)[number]) => string) => {
  const exact = results.filter((r) => pick(r) === r.truth).length;
  const errors = results.reduce((sum, r) => sum + levenshtein(pick(r), r.truth), 0);
  const chars = results.reduce((sum, r) => sum + r.truth.length, 0);
  return {
    exactLines: exact,
    exactRate: Math.round((exact / results.length) * 10000) / 100,
    cer: Math.round((errors / chars) * 100000) / 1000,
  };
};
const summary = {
  lines: results.length,
  raw: rate((r) => r.raw),
  corrected: rate((r) => r.text),
  linesRepaired: results.filter((r) => r.corrected).length,
  // Both directions, on the same lines: a repair must never turn a right line wrong.
  repairsThatFixedALine: results.filter((r) => r.corrected && r.raw !== r.truth && r.text === r.truth).length,
  repairsThatBrokeALine: results.filter((r) => r.corrected && r.raw === r.truth && r.text !== r.truth).length,
  msPerLineP50: Math.round(percentile(times, 50)),
  msPerLineP95: Math.round(percentile(times, 95)),
  linesPerSecond: Math.round((results.length / wallSeconds) * 10) / 10,
  workerStartupMs: startupMs,
  threads: THREADS,
};
console.log(`\nMRZ lines (${DIR}), ${THREADS} pool threads, each with one warm Tesseract worker\n`);
console.table({
  'OCR only': {
    'exact lines': `${summary.raw.exactLines}/${summary.lines}`,
    'exact %': summary.raw.exactRate,
    'CER %': summary.raw.cer,
  },
  'OCR + check-digit repair': {
    'exact lines': `${summary.corrected.exactLines}/${summary.lines}`,
    'exact %': summary.corrected.exactRate,
    'CER %': summary.corrected.cer,
  },
});
console.log(
  `repaired ${summary.linesRepaired} lines: ${summary.repairsThatFixedALine} wrong → right, ${summary.repairsThatBrokeALine} right → wrong; ` +
    `p50 ${summary.msPerLineP50} ms, p95 ${summary.msPerLineP95} ms per line, ${summary.linesPerSecond} lines/s; worker start-up ${startupMs} ms`,
);
const misses = results.filter((r) => r.text !== r.truth);
fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
fs.writeFileSync(RESULTS, `${JSON.stringify({ at: new Date().toISOString(), summary, misses }, null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), RESULTS)}`);
