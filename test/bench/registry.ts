// npm run bench (part 6) — registries:
//  1. import of a generated tax-number file (BENCH_REGISTRY_ROWS, default 10
//     million) into a fresh PostgreSQL database (TEST_DATABASE_URL): rows/s,
//     then the lookup latency at that size (p50/p99 over 10 000 random keys);
//  2. the HTTP adapter against a stub that fails 30 % of requests and stalls
//     5 % of them for 2 s: every golden application settled the way the
//     service does it (retried settlements while a registry is down), counting
//     verdicts, rejections caused by the registry, lost applications, retries.
// Writes test/bench/results/registry.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile } from '../../core/stats.ts';
import { decide } from '../../pipeline/decision/index.ts';
import { readCorpus, truthFacts } from '../../fixtures/truth-facts.ts';
import { askRegistries, plannedLookups, unavailableRegistries } from '../../pipeline/registry/index.ts';
import { openDatabase } from '../../db/index.ts';
import { httpRegistry } from '../../workers/registry/http.ts';
import { importRegistry } from '../../workers/registry/import.ts';
import { localRegistry } from '../../workers/registry/local.ts';
import { startRegistryStub } from '../helpers/registry-stub.ts';
import { testEnvironment } from '../helpers/service.ts';

const ROWS = Number(process.env.BENCH_REGISTRY_ROWS ?? 10_000_000);
const APPLICATIONS = Number(process.env.BENCH_REGISTRY_APPLICATIONS ?? 500);
const SETTLE_ATTEMPTS = 6;
const RESULTS = fileURLToPath(new URL('./results/registry.json', import.meta.url));
const GOLDEN = fileURLToPath(new URL('../../fixtures/golden', import.meta.url));

// ---- 1. Import and lookups at size --------------------------------------------
const file = path.join(os.tmpdir(), `dv-bench-tax-numbers-${ROWS}.csv`);
if (!fs.existsSync(file)) {
  const out = fs.createWriteStream(file);
  out.write('inn,surname,given_names,date_of_birth\n');
  for (let i = 0; i < ROWS; i++) {
    const line = `${String(770000000000 + i * 7)},SURNAME${i % 9973},NAME${i % 997},19${String(50 + (i % 50)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10}\n`;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
}
const environment = await testEnvironment({ db: 'postgres', queue: 'memory' });
const db = await openDatabase(environment.config);
let lastShown = -1;
const imported = await importRegistry(db, 'tax_numbers', file, (done, total) => {
  const tenth = Math.floor((done / total) * 10);
  if (tenth !== lastShown) process.stderr.write(`import ${(lastShown = tenth) * 10} %\n`);
});
const registry = localRegistry(db);
const lookups: number[] = [];
for (let i = 0; i < 10_000; i++) {
  const key = String(770000000000 + Math.floor(Math.random() * ROWS) * 7);
  const t0 = performance.now();
  const answer = await registry.lookup('tax_numbers', key);
  lookups.push(performance.now() - t0);
  if (answer.status !== 'found') throw new Error(`lookup of ${key}: ${answer.status}`);
}
const reimport = await importRegistry(db, 'tax_numbers', file);
await db.close();
await environment.cleanup();
const importSummary = {
  rows: imported.rows,
  seconds: Math.round(imported.durationMs / 100) / 10,
  rowsPerSecond: Math.round(imported.rows / (imported.durationMs / 1000)),
  lookupP50Ms: Math.round(percentile(lookups, 50) * 1000) / 1000,
  lookupP99Ms: Math.round(percentile(lookups, 99) * 1000) / 1000,
  reimportSameFile: reimport.unchanged
    ? `unchanged (${Math.round(reimport.durationMs / 100) / 10} s to checksum)`
    : 'imported again',
};
console.log(`\nRegistry import into PostgreSQL (${Math.round(fs.statSync(file).size / 2 ** 20)} MB file)`);
console.table({ tax_numbers: importSummary });

// ---- 2. HTTP registry under failures and latency spikes -------------------------
const stub = await startRegistryStub({ failureRate: 0.3, spikeRate: 0.05, spikeMs: 2000, latencyMs: 2 }, 'bench');
await stub.load(path.join(GOLDEN, 'registries'));
const http = httpRegistry({
  baseUrl: stub.url,
  timeoutMs: 1000,
  retries: 3,
  retryBackoffMs: 50,
  concurrency: 16,
  breakerFailures: 20,
  breakerCooldownMs: 1000,
});
const { truths, now } = readCorpus(GOLDEN);

const tally = {
  applications: 0,
  settled: 0,
  lost: 0,
  /** Settled applications whose true verdict the truth facts can give: no face template is in them. */
  comparable: 0,
  asExpected: 0,
  rejected: 0,
  rejectedBecauseOfRegistry: 0,
  reviewRegistryUnavailable: 0,
  settlementAttempts: 0,
  maxSettlementAttempts: 0,
};
const REGISTRY_REJECTIONS = new Set(['document_invalid', 'residence_permit_invalid']);
/** Verdicts that compare faces (the photo with the document in hand): the truth has no templates to give the rules. */
const needsFaces = (reasons: readonly string[]) => reasons.some((code) => code.startsWith('held_document_'));
const started = performance.now();
await Promise.all(
  Array.from({ length: APPLICATIONS }, async (_, i) => {
    const truth = truths[i % truths.length]!;
    const facts = truthFacts(truth, now);
    tally.applications++;
    for (let attempt = 1; attempt <= SETTLE_ATTEMPTS; attempt++) {
      tally.settlementAttempts++;
      const registries = await askRegistries(http, plannedLookups(facts));
      if (unavailableRegistries(registries).length && attempt < SETTLE_ATTEMPTS) continue; // stays «В обработке», tried again later
      const verdict = decide({ ...facts, registries });
      tally.settled++;
      tally.maxSettlementAttempts = Math.max(tally.maxSettlementAttempts, attempt);
      const codes = verdict.reasons.map((r) => r.code).sort();
      if (!needsFaces(truth.verdict.reasons)) {
        tally.comparable++;
        if (
          verdict.status === truth.verdict.status &&
          JSON.stringify(codes) === JSON.stringify([...truth.verdict.reasons].sort())
        )
          tally.asExpected++;
      }
      if (verdict.status === 'rejected') {
        tally.rejected++;
        // A rejection the registry caused: a registry reason where the truth has none.
        if (
          codes.some((c) => REGISTRY_REJECTIONS.has(c)) &&
          !truth.verdict.reasons.some((c) => REGISTRY_REJECTIONS.has(c))
        )
          tally.rejectedBecauseOfRegistry++;
      }
      if (codes.includes('registry_unavailable')) tally.reviewRegistryUnavailable++;
      return;
    }
    tally.lost++;
  }),
);
const chaos = {
  ...tally,
  seconds: Math.round((performance.now() - started) / 100) / 10,
  http: http.stats(),
  stubRequests: stub.stats.requests,
  stubFailed: stub.stats.failed,
};
await stub.close();
console.log(
  `\nHTTP registry: ${APPLICATIONS} applications (golden cases), 30 % failed requests, 5 % stalled 2 s; timeout 1 s, 3 retries, up to ${SETTLE_ATTEMPTS} settlements`,
);
console.table({ applications: tally });
console.table({ http: chaos.http });

fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
fs.writeFileSync(RESULTS, `${JSON.stringify({ import: importSummary, chaos }, null, 2)}\n`);
console.log(`wrote ${RESULTS}`);
