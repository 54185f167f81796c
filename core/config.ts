// The one place that reads the environment. Everything else receives a Config.
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { ChallengeStep } from '../pipeline/liveness/challenge.ts';

const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((value) => ['1', 'true', 'yes'].includes(value));

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('.data'),
  STORAGE_DIR: z.string().optional(),
  STORAGE_KEY: z.string().optional(),
  RUN_WORKERS: flag.default(true),
  /** Load the OCR and face models in every stage thread when workers start, not on the first document. */
  WARM_UP: flag.default(true),
  POOL_THREADS: z.coerce.number().int().min(1).max(64).default(Math.max(1, os.availableParallelism())),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(5 * 1024 * 1024),
  MAX_PIXELS: z.coerce.number().int().positive().default(50_000_000),
  MAX_PDF_PAGES: z.coerce.number().int().positive().default(10),
  JOB_ATTEMPTS: z.coerce.number().int().min(1).default(5),
  JOB_BACKOFF_MS: z.coerce.number().int().min(0).default(2000),
  JOB_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
  QUEUE_NAME: z
    .string()
    .regex(/^[\w-]+$/)
    .default('docverify-documents'),
  WEBHOOK_URL: z.string().url().optional(),
  WEBHOOK_SECRET: z.string().min(16).optional(),
  WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).default(8),
  WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(1).default(5_000),
  WEBHOOK_INTERVAL_MS: z.coerce.number().int().min(50).default(2_000),
  /** Failed authentications per client address per 15 minutes before 429. */
  RATE_LIMIT_AUTH_FAILURES: z.coerce.number().int().positive().default(30),
  /** Uploads per API key per minute before 429. */
  RATE_LIMIT_UPLOADS_PER_MIN: z.coerce.number().int().positive().default(120),
  HEADERS_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  /** A whole request, body included: a stalled upload is cut after this. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(120_000),
  /** Days after a final decision before scans, crops, read fields and names are erased. */
  RETENTION_DAYS: z.coerce.number().min(0).default(90),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Fault injection for crash tests: every stage sleeps this long first. */
  FAULT_STAGE_DELAY_MS: z.coerce.number().int().min(0).default(0),
  /** Fault injection for fail-closed tests: this stage throws every time it runs. */
  FAULT_STAGE: z
    .string()
    .regex(/^[a-z_]+$/)
    .optional(),
  CLOCK: z.string().datetime({ offset: true }).optional(),
  /** Active liveness challenge: the moves asked for (those the portal's capture screen can prompt), how many, and the time to send the frames. */
  LIVENESS_STEPS: z
    .string()
    .regex(/^(left|right|up|down)(,(left|right|up|down))+$/, 'two or more of left, right, up, down, comma-separated')
    .refine((steps) => new Set(steps.split(',')).size >= 2, 'two different steps at least')
    .default('left,right,up,down'),
  LIVENESS_STEP_COUNT: z.coerce.number().int().min(1).max(6).default(3),
  /** Days an applicant has to send what «Требуется уточнение» asks for, and how many days before the end they are reminded. */
  CLARIFICATION_DAYS: z.coerce.number().positive().default(15),
  CLARIFICATION_REMIND_DAYS: z.coerce.number().min(0).default(3),
  LIVENESS_SESSION_TTL_SECONDS: z.coerce.number().positive().default(120),
  /** A worker process serves GET /metrics on this port (the API serves it to admin keys). */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Where officials reach this service: the act's QR code points here. */
  PUBLIC_URL: z.string().url().optional(),
  /** How long an act's QR code keeps answering. */
  ACT_VALID_DAYS: z.coerce.number().positive().default(365),
  REGISTRY_URL: z.string().url().optional(),
  REGISTRY_TIMEOUT_MS: z.coerce.number().int().positive().default(3000),
  REGISTRY_RETRIES: z.coerce.number().int().min(0).default(3),
  REGISTRY_RETRY_BACKOFF_MS: z.coerce.number().int().min(0).default(200),
  REGISTRY_CONCURRENCY: z.coerce.number().int().positive().default(8),
  REGISTRY_BREAKER_FAILURES: z.coerce.number().int().positive().default(5),
  REGISTRY_BREAKER_COOLDOWN_MS: z.coerce.number().int().positive().default(30_000),
  REGISTRY_SETTLE_ATTEMPTS: z.coerce.number().int().positive().default(6),
  REGISTRY_SETTLE_BACKOFF_MS: z.coerce.number().int().min(0).default(60_000),
});

export type Config = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  // An empty variable means "not set" (as in `DATABASE_URL= npm start`).
  const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? ({ kind: 'postgres', url: e.DATABASE_URL } as const)
      : ({ kind: 'pglite', dir: path.join(dataDir, 'pg') } as const),
    queue: e.REDIS_URL ? ({ kind: 'bullmq', url: e.REDIS_URL } as const) : ({ kind: 'memory' } as const),
    dataDir,
    storage: {
      dir: path.resolve(e.STORAGE_DIR ?? path.join(dataDir, 'blobs')),
      key: e.STORAGE_KEY,
      devKeyFile: path.join(dataDir, 'storage.key'),
    },
    runWorkers: e.RUN_WORKERS,
    warmUp: e.WARM_UP,
    metricsPort: e.METRICS_PORT,
    poolThreads: e.POOL_THREADS,
    workerConcurrency: e.WORKER_CONCURRENCY ?? e.POOL_THREADS,
    limits: { maxUploadBytes: e.MAX_UPLOAD_BYTES, maxPixels: e.MAX_PIXELS, maxPdfPages: e.MAX_PDF_PAGES },
    jobs: {
      name: e.QUEUE_NAME,
      attempts: e.JOB_ATTEMPTS,
      backoffMs: e.JOB_BACKOFF_MS,
      lockMs: e.JOB_LOCK_MS,
      sweepIntervalMs: e.SWEEP_INTERVAL_MS,
    },
    webhook: {
      /** The default organisation's endpoint; other organisations keep theirs in the database. */
      endpoint: e.WEBHOOK_URL ? { url: e.WEBHOOK_URL, secret: requireSecret(e.WEBHOOK_SECRET) } : undefined,
      attempts: e.WEBHOOK_ATTEMPTS,
      backoffMs: e.WEBHOOK_BACKOFF_MS,
      intervalMs: e.WEBHOOK_INTERVAL_MS,
    },
    http: {
      trustProxy: false,
      jsonLimit: '64kb',
      authFailuresPer15Min: e.RATE_LIMIT_AUTH_FAILURES,
      uploadsPerMinute: e.RATE_LIMIT_UPLOADS_PER_MIN,
      headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    },
    acts: {
      publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
      validDays: e.ACT_VALID_DAYS,
    },
    clarification: { days: e.CLARIFICATION_DAYS, remindDays: e.CLARIFICATION_REMIND_DAYS },
    liveness: {
      steps: [...new Set(e.LIVENESS_STEPS.split(','))] as ChallengeStep[],
      stepCount: e.LIVENESS_STEP_COUNT,
      sessionTtlMs: e.LIVENESS_SESSION_TTL_SECONDS * 1000,
    },
    retentionDays: e.RETENTION_DAYS,
    logLevel: e.LOG_LEVEL,
    faults: { stageDelayMs: e.FAULT_STAGE_DELAY_MS, ...(e.FAULT_STAGE ? { stage: e.FAULT_STAGE } : {}) },
    registry: {
      /** A remote registry service (the JSON contract in README.md); unset: the local mirrors in the database. */
      url: e.REGISTRY_URL,
      http: {
        timeoutMs: e.REGISTRY_TIMEOUT_MS,
        retries: e.REGISTRY_RETRIES,
        retryBackoffMs: e.REGISTRY_RETRY_BACKOFF_MS,
        concurrency: e.REGISTRY_CONCURRENCY,
        breakerFailures: e.REGISTRY_BREAKER_FAILURES,
        breakerCooldownMs: e.REGISTRY_BREAKER_COOLDOWN_MS,
      },
      /** Settlements tried while a registry does not answer, before the application goes to review. */
      settle: { attempts: e.REGISTRY_SETTLE_ATTEMPTS, backoffMs: e.REGISTRY_SETTLE_BACKOFF_MS },
    },
    /** The date the rules judge by: the system clock, or a fixed instant for replaying fixtures. */
    now: e.CLOCK ? fixedClock(new Date(e.CLOCK)) : () => new Date(),
  };
}

const fixedClock = (instant: Date) => () => new Date(instant);

function requireSecret(secret: string | undefined): string {
  if (!secret)
    throw new Error('Invalid configuration:\n  WEBHOOK_SECRET: required with WEBHOOK_URL (at least 16 characters)');
  return secret;
}
