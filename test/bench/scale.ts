// npm run bench:scale — the service as deployed: compiled code (dist/), one API
// process, worker processes on PostgreSQL + Redis (TEST_DATABASE_URL, TEST_REDIS_URL).
//  1. Tesseract growth: RSS of one pool-thread-like process over many recognitions
//     (what TESSERACT_RECYCLE_AFTER is chosen from).
//  2. Latency of one clean application (passport + migration card + selfie, uploaded
//     at once) on the embedded defaults: the first after a start, then warm (p50).
//  3. Scale: API + 1, then 2 worker processes, 1 vs 2 pool threads each; the golden
//     applications uploaded in a loop for BENCH_SCALE_SECONDS: documents/s, verdict
//     latency p50/p95/p99, efficiency per added worker.
//  4. Ingest alone (no workers): uploads/s accepted, p50/p99, with autocannon.
//  5. Soak: BENCH_SOAK_MINUTES (10) of load on API + 1 worker, the worker's RSS sampled
//     every 10 s → test/bench/results/soak-rss.png.
// Writes test/bench/results/scale.json.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import sharp from 'sharp';
import { percentile } from '../../core/stats.ts';
import { CORPUS_DATE } from '../../fixtures/lib/identity.ts';
import { createMrzLineReader, createTextReader } from '../../models/tesseract.ts';
import * as files from '../helpers/files.ts';
import { COMPILED_CLI, runCli, type CliProcess } from '../helpers/process.ts';
import { goldenProfile, testEnvironment, uploadForm } from '../helpers/service.ts';

const SECONDS = Number(process.env.BENCH_SCALE_SECONDS ?? 60);
const SOAK_MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 10);
/** MRZ line recognitions in part 1 (a tenth as many whole pages). */
const READS = Number(process.env.BENCH_TESSERACT_READS ?? 3000);
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const CASES = fs
  .readdirSync(fileURLToPath(new URL('../../fixtures/golden/', import.meta.url)))
  .filter((name) => name.startsWith('valid-'));
const KINDS = ['passport', 'migration_card', 'selfie'] as const;
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const seconds = (ms: number[]) => ({
  p50: round(percentile(ms, 50) / 1000),
  p95: round(percentile(ms, 95) / 1000),
  p99: round(percentile(ms, 99) / 1000),
});
const rssMb = (pid: number) => {
  const line = fs
    .readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line?.split(/\s+/)[1] ?? 0) / 1024);
};
fs.mkdirSync(RESULTS, { recursive: true });
execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });

// ---- 1. Tesseract growth ------------------------------------------------------
const page = await sharp(files.golden('valid-kaz/passport.jpg')).greyscale().resize(1200).png().toBuffer();
const mrzBand = await sharp(files.golden('valid-kaz/passport.jpg'))
  .metadata()
  .then(async ({ width, height }) =>
    sharp(files.golden('valid-kaz/passport.jpg'))
      .greyscale()
      .extract({ left: 0, top: Math.round(height! * 0.86), width: width!, height: Math.round(height! * 0.07) })
      .png()
      .toBuffer(),
  );
const growth: { engine: string; reads: number; rssMb: number }[] = [];
const text = await createTextReader('eng');
const line = await createMrzLineReader();
const processRss = () => Math.round(process.memoryUsage().rss / 2 ** 20);
for (let i = 1; i <= READS / 10; i++) {
  await text.read(page);
  if (i === 1 || i % (READS / 60) === 0) growth.push({ engine: 'text page', reads: i, rssMb: processRss() });
}
for (let i = 1; i <= READS; i++) {
  await line.read(mrzBand);
  if (i === 1 || i % (READS / 6) === 0) growth.push({ engine: 'mrz line', reads: i, rssMb: processRss() });
}
await text.close();
await line.close();
/** From the second sample on: the first read allocates the engine's working memory, and the next collection returns some. */
const perThousand = (engine: string) => {
  const rows = growth.filter((row) => row.engine === engine);
  return round(((rows.at(-1)!.rssMb - rows[1]!.rssMb) / (rows.at(-1)!.reads - rows[1]!.reads)) * 1000, 1);
};
console.log(
  '\nTesseract RSS growth (MB per 1000 recognitions, after the engine settled): text page',
  perThousand('text page'),
  '· MRZ line',
  perThousand('mrz line'),
);

// ---- helpers: the service as processes ---------------------------------------
interface Service {
  url: string;
  key: string;
  api: CliProcess;
  workers: CliProcess[];
  stop(): Promise<void>;
}

async function startService(env: Record<string, string>, workers: number, threads: number): Promise<Service> {
  // Server mode: the API only; embedded: the API runs the workers itself.
  const api = runCli(
    ['serve'],
    { ...env, RUN_WORKERS: env.DATABASE_URL ? '0' : '1', POOL_THREADS: String(threads) },
    COMPILED_CLI,
  );
  const url = (await api.waitForOutput(/listening on (http:\/\/\S+)/, 90_000))[1]!;
  // Embedded: the first start prints a development key; on PostgreSQL, one is made.
  const printed = env.DATABASE_URL ? runCli(['keys', 'create', '--role', 'portal'], env, COMPILED_CLI) : api;
  const key = (await printed.waitForOutput(/(dv_portal_\S+)/, 30_000))[1]!;
  const started = Array.from({ length: workers }, () =>
    runCli(['worker'], { ...env, POOL_THREADS: String(threads), WORKER_CONCURRENCY: String(threads) }, COMPILED_CLI),
  );
  await Promise.all(started.map((worker) => worker.waitForOutput(/stage engines loaded/, 120_000)));
  if (!env.DATABASE_URL && env.WARM_UP !== '0') await api.waitForOutput(/stage engines loaded/, 120_000);
  return {
    url,
    key,
    api,
    workers: started,
    async stop() {
      for (const process of [...started, api]) process.child.kill('SIGTERM');
      await Promise.all([...started, api].map((process) => process.exited));
    },
  };
}

async function call(service: Service, route: string, init: RequestInit = {}, expected = [200, 201, 202]) {
  const response = await fetch(`${service.url}${route}`, {
    ...init,
    headers: { authorization: `Bearer ${service.key}`, ...init.headers },
  });
  const body = (await response.json()) as { id: string; status: string };
  if (!expected.includes(response.status))
    throw new Error(`${init.method ?? 'GET'} ${route}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** One golden application: created, its three documents uploaded at once, polled to its verdict. Milliseconds from the first upload. */
async function application(service: Service, goldenCase: string): Promise<number> {
  const created = await call(service, '/v1/applications', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ serviceType: 'registration_at_stay', applicant: goldenProfile(goldenCase) }),
  });
  const start = performance.now();
  await Promise.all(
    KINDS.map((kind) =>
      call(service, `/v1/applications/${created.id}/documents`, {
        method: 'POST',
        body: uploadForm(kind, files.golden(`${goldenCase}/${kind}.jpg`), `${kind}.jpg`),
      }),
    ),
  );
  while (performance.now() - start < 300_000) {
    const { status } = await call(service, `/v1/applications/${created.id}`);
    if (status !== 'processing') return performance.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`application ${created.id} (${goldenCase}) did not settle in 5 minutes`);
}

/** `clients` loops of applications for `ms`: latencies of those that settled in the window. */
async function load(service: Service, clients: number, ms: number, onSettled?: () => void) {
  const latencies: number[] = [];
  const until = performance.now() + ms;
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const latency = await application(service, CASES[next++ % CASES.length]!);
        if (performance.now() <= until) latencies.push(latency);
        onSettled?.();
      }
    }),
  );
  return latencies;
}

const CLOCK = `${CORPUS_DATE}T12:00:00Z`;

/** A fresh PostgreSQL database and Redis queue name, with the golden registries loaded. */
async function serverEnvironment() {
  const environment = await testEnvironment({ db: 'postgres', queue: 'bullmq' });
  const env = {
    ...environment.env,
    PORT: '0',
    LOG_LEVEL: 'info',
    CLOCK,
    WARM_UP: '1',
    JOB_BACKOFF_MS: '2000',
    RATE_LIMIT_UPLOADS_PER_MIN: '1000000',
  };
  const registries = runCli(['registry', 'import-all', 'fixtures/golden/registries'], env, COMPILED_CLI);
  if ((await registries.exited) !== 0) throw new Error(registries.output());
  return { env, cleanup: () => environment.cleanup() };
}

// ---- 2. One clean application, embedded ---------------------------------------
const latency: Record<string, number | Record<string, number>> = {};
for (const warmUp of ['0', '1']) {
  // A fresh data directory each time: the first start prints its development key.
  const embeddedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dv-bench-embedded-'));
  const embeddedEnv = {
    DATA_DIR: embeddedDir,
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: '',
    REDIS_URL: '',
    CLOCK,
    LOG_LEVEL: 'info',
    RATE_LIMIT_UPLOADS_PER_MIN: '1000000',
  };
  await runCli(['registry', 'import-all', 'fixtures/golden/registries'], embeddedEnv, COMPILED_CLI).exited;
  const service = await startService({ ...embeddedEnv, WARM_UP: warmUp }, 0, 2);
  latency[warmUp === '1' ? 'firstAfterStartWarmedS' : 'firstAfterStartColdS'] = round(
    (await application(service, 'valid-kaz')) / 1000,
  );
  if (warmUp === '1') {
    const warm: number[] = [];
    for (let i = 0; i < 12; i++) warm.push(await application(service, CASES[i % CASES.length]!));
    latency.warmS = seconds(warm);
  }
  await service.stop();
  fs.rmSync(embeddedDir, { recursive: true, force: true });
}
console.log('\nOne clean application, embedded, 2 threads:', JSON.stringify(latency));

// ---- 3. Scale ------------------------------------------------------------------
const scale: {
  workers: number;
  threads: number;
  clients: number;
  applications: number;
  documentsPerS: number;
  latencyS: ReturnType<typeof seconds>;
}[] = [];
for (const [workers, threads] of [
  [1, 1],
  [1, 2],
  [2, 1],
  [2, 2],
] as const) {
  const { env, cleanup } = await serverEnvironment();
  const service = await startService(env, workers, threads);
  // Enough applications in flight to keep every thread busy.
  const clients = 2 * workers * threads;
  await load(service, clients, 10_000); // warm the caches and connections
  const latencies = await load(service, clients, SECONDS * 1000);
  await service.stop();
  await cleanup();
  const row = {
    workers,
    threads,
    clients,
    applications: latencies.length,
    documentsPerS: round((latencies.length * KINDS.length) / SECONDS),
    latencyS: seconds(latencies),
  };
  scale.push(row);
  console.log(
    `scale ${workers} worker(s) × ${threads} thread(s): ${row.documentsPerS} documents/s, latency p50/p95/p99 ${row.latencyS.p50}/${row.latencyS.p95}/${row.latencyS.p99} s`,
  );
}
const base = scale.find((row) => row.workers === 1 && row.threads === 1)!.documentsPerS;
const efficiency = scale.map((row) => ({
  ...row,
  efficiency: round(row.documentsPerS / (base * row.workers * row.threads)),
}));

// ---- 4. Ingest alone -------------------------------------------------------------
const ingestEnv = await serverEnvironment();
const ingestService = await startService(ingestEnv.env, 0, 1);
const target = await call(ingestService, '/v1/applications', {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ serviceType: 'registration_at_stay', applicant: goldenProfile('valid-kaz') }),
});
const boundary = 'dvbenchboundary';
const passport = files.golden('valid-kaz/passport.jpg');
const body = Buffer.concat([
  Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\npassport\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
  ),
  passport,
  Buffer.from(`\r\n--${boundary}--\r\n`),
]);
const ingest = await autocannon({
  url: `${ingestService.url}/v1/applications/${target.id}/documents`,
  method: 'POST',
  headers: {
    authorization: `Bearer ${ingestService.key}`,
    'content-type': `multipart/form-data; boundary=${boundary}`,
  },
  body,
  connections: 16,
  duration: 20,
});
await ingestService.stop();
await ingestEnv.cleanup();
const ingestRow = {
  uploadsPerS: round(ingest.requests.average, 1),
  p50Ms: ingest.latency.p50,
  p99Ms: ingest.latency.p99,
  non2xx: ingest.non2xx,
  errors: ingest.errors,
  bytesPerUpload: passport.length,
};
console.log('ingest alone:', JSON.stringify(ingestRow));

// ---- 5. Soak --------------------------------------------------------------------
const soakEnv = await serverEnvironment();
const soakService = await startService(soakEnv.env, 1, 2);
const samples: { s: number; workerMb: number; apiMb: number; settled: number }[] = [];
let settled = 0;
const soakStart = performance.now();
const sampler = setInterval(() => {
  samples.push({
    s: Math.round((performance.now() - soakStart) / 1000),
    workerMb: rssMb(soakService.workers[0]!.child.pid!),
    apiMb: rssMb(soakService.api.child.pid!),
    settled,
  });
}, 10_000);
const soakLatencies = await load(soakService, 3, SOAK_MINUTES * 60_000, () => settled++);
clearInterval(sampler);
await soakService.stop();
await soakEnv.cleanup();

/** The RSS curve as a PNG: an SVG line chart rendered by sharp. */
async function plot(file: string) {
  const [w, h, pad] = [900, 420, 50];
  const maxS = Math.max(...samples.map((s) => s.s), 1);
  const maxMb = Math.max(...samples.flatMap((s) => [s.workerMb, s.apiMb]), 100) * 1.15;
  const x = (s: number) => pad + ((w - 2 * pad) * s) / maxS;
  const y = (mb: number) => h - pad - ((h - 2 * pad) * mb) / maxMb;
  const line = (key: 'workerMb' | 'apiMb', colour: string) =>
    `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${samples.map((s) => `${x(s.s)},${y(s[key])}`).join(' ')}"/>`;
  const ticks = Array.from({ length: 6 }, (_, i) => Math.round((maxMb / 5) * i));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="white"/>
${ticks.map((mb) => `<line x1="${pad}" x2="${w - pad}" y1="${y(mb)}" y2="${y(mb)}" stroke="#ddd"/><text x="${pad - 6}" y="${y(mb) + 4}" font-size="11" text-anchor="end" font-family="DejaVu Sans">${mb}</text>`).join('')}
<text x="${w / 2}" y="${h - 12}" font-size="12" text-anchor="middle" font-family="DejaVu Sans">seconds of soak (${settled} applications settled)</text>
<text x="14" y="${h / 2}" font-size="12" transform="rotate(-90 14 ${h / 2})" text-anchor="middle" font-family="DejaVu Sans">RSS, MB</text>
${line('workerMb', '#c62828')}${line('apiMb', '#1f6feb')}
<text x="${w - pad}" y="${pad - 20}" font-size="12" text-anchor="end" font-family="DejaVu Sans" fill="#c62828">worker (2 stage threads)</text>
<text x="${w - pad}" y="${pad - 6}" font-size="12" text-anchor="end" font-family="DejaVu Sans" fill="#1f6feb">API</text></svg>`;
  await sharp(Buffer.from(svg)).png().toFile(file);
}
await plot(path.join(RESULTS, 'soak-rss.png'));
const soak = {
  minutes: SOAK_MINUTES,
  applications: soakLatencies.length,
  latencyS: seconds(soakLatencies),
  workerRssMb: {
    first: samples[0]?.workerMb,
    max: Math.max(...samples.map((s) => s.workerMb)),
    last: samples.at(-1)?.workerMb,
  },
  apiRssMb: { first: samples[0]?.apiMb, max: Math.max(...samples.map((s) => s.apiMb)), last: samples.at(-1)?.apiMb },
  samples,
};

console.log(
  '\nScale (PostgreSQL + Redis, compiled, this machine: %d cores, %d s per row)',
  os.availableParallelism(),
  SECONDS,
);
console.table(
  efficiency.map((row) => ({
    workers: row.workers,
    threads: row.threads,
    clients: row.clients,
    'documents/s': row.documentsPerS,
    'p50 s': row.latencyS.p50,
    'p95 s': row.latencyS.p95,
    'p99 s': row.latencyS.p99,
    efficiency: row.efficiency,
  })),
);
console.log('Ingest alone (uploads accepted, no workers):', ingestRow);
console.log(
  `Soak ${SOAK_MINUTES} min: ${soak.applications} applications, p50 ${soak.latencyS.p50} s; worker RSS ${soak.workerRssMb.first} → max ${soak.workerRssMb.max} → ${soak.workerRssMb.last} MB; API ${soak.apiRssMb.first} → ${soak.apiRssMb.last} MB`,
);
fs.writeFileSync(
  path.join(RESULTS, 'scale.json'),
  `${JSON.stringify({ machine: { cores: os.availableParallelism(), memoryGb: Math.round(os.totalmem() / 2 ** 30) }, tesseractGrowth: growth, latency, scale: efficiency, ingest: ingestRow, soak }, null, 2)}\n`,
);
