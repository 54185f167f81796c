// npm run bench (part 5) — document reading on a fixture corpus (CORPUS, default
// the golden set; `npm run fixtures -- --count 1000 --seed 7 --out DIR` draws a
// large one): MRZ valid with every field exact on readable documents, quality
// reasons on unreadable ones, clean scans never flagged, printed-zone and
// migration-card fields, and the time of each stage and of the whole reading
// path per document. The corpus goes through the service (fixtures/replay.ts),
// one case at a time (READ_CONCURRENCY): an applicant's documents go through
// the two pool threads together, as the portal sends them, so the times are
// latencies on a warm 2-thread pool, not waits behind other applicants; the
// process's RSS is reported after the run; Tesseract start-up is measured on
// its own. Writes test/bench/results/reading.json.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setLogLevel } from '../../core/log.ts';
import { percentile } from '../../core/stats.ts';
import { replayCorpus, type Assertion } from '../../fixtures/replay.ts';
import { createMrzLineReader, createTextReader } from '../../models/tesseract.ts';
import { createStagePool } from '../../workers/pool.ts';
import { runMs } from '../../pipeline/stages.ts';

// The replay's service writes its own info lines (migrations, organisations): not part of the report.
setLogLevel('warn');
const GOLDEN = path.resolve(fileURLToPath(new URL('../../fixtures/golden', import.meta.url)));
const CORPUS = path.resolve(process.env.CORPUS ?? GOLDEN);
const CONCURRENCY = Number(process.env.READ_CONCURRENCY ?? 1);
// One results file per corpus, so a large corpus's run does not overwrite the golden one.
const RESULTS = fileURLToPath(
  new URL(`./results/${CORPUS === GOLDEN ? 'reading' : `reading-${path.basename(CORPUS)}`}.json`, import.meta.url),
);
const LIMITS = { maxUploadBytes: 5 * 1024 * 1024, maxPixels: 50_000_000, maxPdfPages: 10 };

// Worker start-up, cold, each engine on its own.
const startup: Record<string, number> = {};
for (const [name, start] of [
  ['mrz', createMrzLineReader],
  ['eng', () => createTextReader('eng')],
  ['rus', () => createTextReader('rus')],
] as const) {
  const t0 = performance.now();
  const engine = await start();
  startup[name] = Math.round(performance.now() - t0);
  await engine.close();
}

const pool = createStagePool(2);
// Warm every thread's engines on the golden valid case before measuring.
await replayCorpus(GOLDEN, pool, LIMITS, 2).catch(() => undefined);
const t0 = performance.now();
const report = await replayCorpus(CORPUS, pool, LIMITS, CONCURRENCY, (done, total) => {
  if (done % 100 === 0 || done === total) process.stderr.write(`[${done}/${total}]\n`);
});
const wallSeconds = (performance.now() - t0) / 1000;
// The whole process: the service, both pool threads and every OCR worker they keep.
const rssMb = Math.round(process.memoryUsage().rss / 2 ** 20);
await pool.close();

const by = (predicate: (a: Assertion) => boolean) => report.assertions.filter(predicate);
const rate = (list: Assertion[]) => ({
  n: list.length,
  pass: list.filter((a) => a.status === 'pass').length,
  rate: list.length ? Math.round((list.filter((a) => a.status === 'pass').length / list.length) * 10000) / 100 : null,
});
const truthOf = new Map<string, { stages: Record<string, { outcome: string; reasonCode?: string }> }>();
for (const name of JSON.parse(fs.readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8')).cases as string[]) {
  for (const document of JSON.parse(fs.readFileSync(path.join(CORPUS, name, 'expected.json'), 'utf8')).documents)
    truthOf.set(document.file, document);
}
const expected = (a: Assertion, stage: string) => truthOf.get(a.file)?.stages[stage];

const accuracy = {
  // MRZ documents a reader must read: every line and every field exact (the `fields` assertion compares both).
  mrzExact: rate(by((a) => a.subject === 'fields' && !!expected(a, 'mrz'))),
  mrzStage: rate(by((a) => a.subject === 'stage:mrz')),
  vizStage: rate(by((a) => a.subject === 'stage:viz')),
  migrationCardFields: rate(by((a) => a.subject === 'fields' && !!expected(a, 'migration_card'))),
  // Unreadable captures: the quality gate names the right reason (and so no field is read from them).
  unreadableFlaggedRight: rate(by((a) => a.subject === 'stage:quality' && expected(a, 'quality')?.outcome === 'fail')),
  // Clean scans: no stage of theirs may fail.
  cleanScansNeverFlagged: rate(
    by(
      (a) =>
        a.group.endsWith('/ scan') &&
        a.subject.startsWith('stage:') &&
        Object.values(truthOf.get(a.file)?.stages ?? {}).every((s) => s.outcome === 'pass'),
    ),
  ),
  verdicts: rate(by((a) => a.subject === 'verdict')),
};
// JSON.stringify gives undefined for an absent value (a stage that did not run).
const shown = (value: unknown, length: number) => String(JSON.stringify(value)).slice(0, length);
const misses = by((a) => a.status === 'fail').map((a) => ({
  case: a.case,
  subject: a.subject,
  expected: shown(a.expected, 120),
  actual: shown(a.actual, 160),
}));

// Stage times per document kind, and the whole reading path (intake and the run, as long as it took).
const READING = ['intake', 'normalize', 'quality', 'mrz', 'viz', 'portrait', 'migration_card'];
const timing: Record<string, Record<string, string>> = {};
const timingJson: Record<string, Record<string, { p50: number; p95: number; n: number }>> = {};
for (const kind of ['passport', 'residence_permit', 'migration_card'] as const) {
  const documents = report.timings.filter(
    (t) =>
      t.kind === kind &&
      t.ms.quality !== undefined &&
      (kind === 'migration_card' ? t.ms.migration_card : t.ms.mrz) !== undefined,
  );
  const readable = documents.filter(
    (t) => t.variant !== 'blur' && t.variant !== 'lowres' && t.variant !== 'glare' && t.variant !== 'dark',
  );
  const columns: Record<string, number[]> = {};
  for (const t of readable) {
    for (const stage of READING) if (t.ms[stage] !== undefined) (columns[stage] ??= []).push(t.ms[stage]!);
    // Intake, then the run: stages that ran alongside another count as the longer of the two.
    (columns['reading path'] ??= []).push((t.ms.intake ?? 0) + runMs(kind, t.ms));
    (columns['without portrait'] ??= []).push((t.ms.intake ?? 0) + runMs(kind, { ...t.ms, portrait: 0 }));
  }
  timing[kind] = Object.fromEntries(
    Object.entries(columns).map(([stage, v]) => [stage, `${percentile(v, 50)}/${percentile(v, 95)}`]),
  );
  timingJson[kind] = Object.fromEntries(
    Object.entries(columns).map(([stage, v]) => [
      stage,
      { p50: percentile(v, 50), p95: percentile(v, 95), n: v.length },
    ]),
  );
}

console.log(
  `\nReading: ${report.cases} cases, ${report.files} files from ${CORPUS}, ${CONCURRENCY} case(s) at a time, ${Math.round(wallSeconds)} s, RSS ${rssMb} MB`,
);
console.table(
  Object.fromEntries(Object.entries(accuracy).map(([k, v]) => [k, { documents: v.n, right: v.pass, '%': v.rate }])),
);
console.log('Stage times on readable documents, p50/p95 ms (warm pool):');
console.table(timing);
console.log('Tesseract worker start-up, ms:');
console.table({ startup });
if (misses.length) {
  console.log(`${misses.length} misses:`);
  console.table(misses.slice(0, 40));
}
fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
fs.writeFileSync(
  RESULTS,
  `${JSON.stringify({ corpus: CORPUS, cases: report.cases, files: report.files, concurrency: CONCURRENCY, wallSeconds: Math.round(wallSeconds), rssMb, accuracy, timing: timingJson, startupMs: startup, misses }, null, 2)}\n`,
);
console.log(`wrote ${RESULTS}`);
