// npm run bench — intake and normalisation throughput and latency for 1 MB
// JPEGs over real HTTP, on the embedded defaults and (when reachable) on
// PostgreSQL + BullMQ. Prints a table and writes test/bench/results/intake.json.
//
//   BENCH_UPLOADS=200 BENCH_CONCURRENCY=8 npm run bench
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile } from '../../core/stats.ts';
import * as files from '../helpers/files.ts';
import {
  createApplication,
  driverName,
  startTestService,
  uploadForm,
  waitFor,
  type Drivers,
} from '../helpers/service.ts';

const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const VARIANTS = 8;
const WARMUP = 16;
const RESULTS = fileURLToPath(new URL('./results/intake.json', import.meta.url));

const round = (value: number) => Math.round(value * 10) / 10;

async function reachable(drivers: Drivers): Promise<boolean> {
  if (drivers.db === 'pglite') return true;
  try {
    const t = await startTestService(drivers);
    await t.stop();
    return true;
  } catch {
    return false;
  }
}

async function bench(drivers: Drivers, images: Buffer[]) {
  // Workers paused while uploading, so intake is measured on its own; the per-key upload
  // limit (a portal's 120 a minute) raised above the bench's own burst from one key.
  const t = await startTestService(drivers, {
    RUN_WORKERS: '0',
    RATE_LIMIT_UPLOADS_PER_MIN: String((WARMUP + UPLOADS) * 2),
  });
  try {
    const applications = await Promise.all(Array.from({ length: Math.ceil(UPLOADS / 10) }, () => createApplication(t)));
    /** Uploads `count` scans from CONCURRENCY clients; returns each request's latency. */
    const uploadAll = async (count: number) => {
      const latencies: number[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < count) {
            const i = next++;
            const form = uploadForm('passport', images[i % images.length]!, `scan-${i}.jpg`, 'image/jpeg');
            const t0 = performance.now();
            const response = await t.api(
              'POST',
              `/v1/applications/${applications[i % applications.length]}/documents`,
              { body: form },
            );
            latencies.push(performance.now() - t0);
            if (response.status !== 202)
              throw new Error(`upload ${i}: ${response.status} ${JSON.stringify(response.body)}`);
          }
        }),
      );
      return latencies;
    };
    await uploadAll(WARMUP); // JIT, connection pools, worker threads: measure the steady state
    const started = performance.now();
    const latencies = await uploadAll(UPLOADS);
    const intakeSeconds = (performance.now() - started) / 1000;

    const { runtime } = t.service;
    const { prisma } = runtime.db;
    const drainStart = performance.now();
    runtime.consume();
    await waitFor(
      async () => (await prisma.document.count({ where: { status: 'processed' } })) === WARMUP + UPLOADS,
      600_000,
      'all documents',
    );
    const drainSeconds = (performance.now() - drainStart) / 1000;
    const runs = await prisma.verificationRun.findMany({ where: { status: 'succeeded' }, include: { checks: true } });
    const runMs = runs.map((run) => run.finishedAt!.getTime() - run.startedAt.getTime());
    const stageMs = runs.flatMap((run) => run.checks.map((check) => check.durationMs));
    return {
      drivers: driverName(drivers),
      uploads: UPLOADS,
      concurrency: CONCURRENCY,
      meanUploadBytes: Math.round(images.reduce((sum, image) => sum + image.length, 0) / images.length),
      intake: {
        uploadsPerSecond: round(UPLOADS / intakeSeconds),
        p50Ms: round(percentile(latencies, 50)),
        p99Ms: round(percentile(latencies, 99)),
      },
      normalisation: {
        documentsPerSecond: round((WARMUP + UPLOADS) / drainSeconds),
        runP50Ms: round(percentile(runMs, 50)),
        runP99Ms: round(percentile(runMs, 99)),
        stageP50Ms: round(percentile(stageMs, 50)),
        stageP99Ms: round(percentile(stageMs, 99)),
      },
    };
  } finally {
    await t.stop();
  }
}

const images = await Promise.all(Array.from({ length: VARIANTS }, (_, seed) => files.noisyJpeg(1024 * 1024, seed + 1)));
const results = [];
for (const drivers of [
  { db: 'pglite', queue: 'memory' },
  { db: 'postgres', queue: 'bullmq' },
] as Drivers[]) {
  if (!(await reachable(drivers))) {
    console.log(`skipping ${driverName(drivers)}: PostgreSQL or Redis not reachable`);
    continue;
  }
  results.push(await bench(drivers, images));
}

const machine = {
  cpus: os.availableParallelism(),
  cpuModel: os.cpus()[0]?.model,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
};
console.log(
  `\nIntake + normalisation, ${UPLOADS} uploads of ~1 MB JPEG after ${WARMUP} warm-up ones, ${CONCURRENCY} concurrent clients, ${machine.cpus} cores\n`,
);
console.table(
  results.map((r) => ({
    drivers: r.drivers,
    'uploads/s': r.intake.uploadsPerSecond,
    '202 p50 ms': r.intake.p50Ms,
    '202 p99 ms': r.intake.p99Ms,
    'normalised/s': r.normalisation.documentsPerSecond,
    'run p50 ms': r.normalisation.runP50Ms,
    'run p99 ms': r.normalisation.runP99Ms,
    'stage p50 ms': r.normalisation.stageP50Ms,
  })),
);
fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
fs.writeFileSync(RESULTS, `${JSON.stringify({ at: new Date().toISOString(), machine, results }, null, 2)}\n`);
console.log(`\nwrote ${path.relative(process.cwd(), RESULTS)}`);
process.exit(0);
