// Real services for tests: a fresh PostgreSQL database or PGlite directory, a
// private BullMQ queue name on the real Redis, and the HTTP API on a free port.
import { fileURLToPath } from 'node:url';
import { CORPUS_DATE } from '../../fixtures/lib/identity.ts';
import { openDatabase, type Database } from '../../db/index.ts';
import { afterAll, beforeAll } from 'vitest';
import { REGISTRY_KINDS } from '../../pipeline/registry/index.ts';
import { importRegistry } from '../../workers/registry/import.ts';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startService, type RunningService } from '../../api/server.ts';
import { assertConforms } from './openapi.ts';
import { missingServers, PG_URL, REDIS_URL, type Server } from './servers.ts';
import { loadConfig, type Config } from '../../core/config.ts';
import { setLogLevel } from '../../core/log.ts';
import { createApiKey } from '../../db/api-keys.ts';
import type { Role } from '../../generated/prisma/enums.ts';

export { PG_URL, REDIS_URL };

export interface Drivers {
  db: 'pglite' | 'postgres';
  queue: 'memory' | 'bullmq';
}

export const ALL_DRIVERS: Drivers[] = [
  { db: 'pglite', queue: 'memory' },
  { db: 'postgres', queue: 'bullmq' },
  { db: 'postgres', queue: 'memory' },
  { db: 'pglite', queue: 'bullmq' },
];

export const driverName = (d: Drivers) => `${d.db}+${d.queue}`;

/** The servers a driver combination runs on. */
export const serversOf = (d: Drivers): Server[] => [
  ...(d.db === 'postgres' ? (['postgres'] as const) : []),
  ...(d.queue === 'bullmq' ? (['redis'] as const) : []),
];

export interface TestEnvironment {
  env: Record<string, string>;
  config: Config;
  cleanup(): Promise<void>;
}

/** Environment variables for a service isolated from every other test. */
export async function testEnvironment(
  drivers: Drivers,
  overrides: Record<string, string> = {},
): Promise<TestEnvironment> {
  setLogLevel('error');
  const id = randomBytes(6).toString('hex');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docverify-test-'));
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'error',
    POOL_THREADS: '2',
    JOB_BACKOFF_MS: '200',
    // Most test services never run a model: they load them on first use.
    WARM_UP: '0',
    SWEEP_INTERVAL_MS: '1000',
    // The golden set is judged on its own date (stays and expiry dates are relative to it).
    CLOCK: `${CORPUS_DATE}T12:00:00Z`,
  };
  let database: string | undefined;
  if (drivers.db === 'postgres') {
    database = `dv_test_${id}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const url = new URL(PG_URL);
    url.pathname = `/${database}`;
    env.DATABASE_URL = url.toString();
    env.STORAGE_KEY = randomBytes(32).toString('base64');
  }
  if (drivers.queue === 'bullmq') {
    env.REDIS_URL = REDIS_URL;
    env.QUEUE_NAME = `dv-test-${id}`;
  }
  Object.assign(env, overrides);
  return {
    env,
    config: loadConfig(env),
    async cleanup() {
      if (env.QUEUE_NAME) {
        const redis = new Redis(REDIS_URL);
        const keys = await redis.keys(`bull:${env.QUEUE_NAME}:*`);
        if (keys.length) await redis.del(...keys);
        redis.disconnect();
      }
      if (database) {
        const admin = new pg.Client({ connectionString: PG_URL });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await admin.end();
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestService {
  url: string;
  service: RunningService;
  environment: TestEnvironment;
  keys: Record<Role, string>;
  api(
    method: string,
    route: string,
    options?: { key?: string; json?: unknown; body?: FormData },
  ): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

/** The golden set's registry files in the service's mirrors: its applicants are known to the state. */
export async function importGoldenRegistries(db: Database): Promise<void> {
  for (const kind of REGISTRY_KINDS)
    await importRegistry(
      db,
      kind,
      fileURLToPath(new URL(`../../fixtures/golden/registries/${kind}.csv`, import.meta.url)),
    );
}

export async function startTestService(drivers: Drivers, overrides: Record<string, string> = {}): Promise<TestService> {
  const environment = await testEnvironment(drivers, overrides);
  const service = await startService(environment.config);
  await importGoldenRegistries(service.runtime.db);
  const { prisma } = service.runtime.db;
  const keys = {
    portal: (await createApiKey(prisma, { role: 'portal', name: 'test portal' })).key,
    reviewer: (await createApiKey(prisma, { role: 'reviewer', name: 'test reviewer' })).key,
    admin: (await createApiKey(prisma, { role: 'admin', name: 'test admin' })).key,
  };
  return {
    url: service.url,
    service,
    environment,
    keys,
    async api(method, route, options = {}) {
      const headers: Record<string, string> = {};
      const key = options.key ?? keys.portal;
      if (key) headers.authorization = `Bearer ${key}`;
      let body: string | FormData | undefined = options.body;
      if (options.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(options.json);
      }
      const response = await fetch(`${service.url}${route}`, { method, headers, body });
      const text = await response.text();
      const parsed = text ? JSON.parse(text) : undefined;
      // Every answer a test sees is also checked against the API description.
      if (parsed !== undefined) assertConforms(method, route, response.status, parsed);
      return { status: response.status, body: parsed };
    },
    async stop() {
      await service.close();
      await environment.cleanup();
    },
  };
}

export const APPLICANT = {
  surnameLatin: 'JURAEV',
  givenNamesLatin: 'ALISHER',
  surnameCyrillic: 'Жураев',
  givenNamesCyrillic: 'Алишер',
  dateOfBirth: '1990-04-12',
  sex: 'M',
  citizenship: 'UZB',
  email: 'alisher@example.org',
  phone: '+998901234567',
};

export async function createApplication(
  t: TestService,
  applicant: Record<string, string> = APPLICANT,
): Promise<string> {
  const { status, body } = await t.api('POST', '/v1/applications', {
    json: { serviceType: 'registration_at_stay', applicant },
  });
  if (status !== 201) throw new Error(`create application: ${status} ${JSON.stringify(body)}`);
  return body.id as string;
}

export function uploadForm(kind: string, file: Buffer, filename: string, type = 'application/octet-stream'): FormData {
  const form = new FormData();
  form.set('kind', kind);
  form.set('file', new Blob([new Uint8Array(file)], { type }), filename);
  return form;
}

/** Polls until check() returns a value, or fails after timeoutMs. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Uploads a golden case's passport, migration card and selfie, as the portal would for a full application. */
export async function uploadGoldenSet(t: TestService, applicationId: string, goldenCase: string): Promise<string[]> {
  const ids: string[] = [];
  for (const [kind, file] of [
    ['passport', 'passport.jpg'],
    ['migration_card', 'migration_card.jpg'],
    ['selfie', 'selfie.jpg'],
  ] as const) {
    const form = uploadForm(
      kind,
      fs.readFileSync(new URL(`../../fixtures/golden/${goldenCase}/${file}`, import.meta.url)),
      file,
      'image/jpeg',
    );
    const { status, body } = await t.api('POST', `/v1/applications/${applicationId}/documents`, { body: form });
    if (status !== 202) throw new Error(`upload ${kind}: ${status} ${JSON.stringify(body)}`);
    ids.push(body.documentId as string);
  }
  return ids;
}

/** The applicant profile a golden case was built for. */
export function goldenProfile(goldenCase: string): Record<string, string> {
  return JSON.parse(
    fs.readFileSync(new URL(`../../fixtures/golden/${goldenCase}/expected.json`, import.meta.url), 'utf8'),
  ).profile;
}

/** A fresh PostgreSQL database for one test file: opened before its tests, closed and dropped after them. */
export function postgresDatabase(): { readonly db: Database } {
  let environment: TestEnvironment | undefined;
  let db: Database | undefined;
  beforeAll(async () => {
    // Without PostgreSQL the file's suites are skipped (describeWithServers): nothing to open.
    if (missingServers(['postgres']).length) return;
    environment = await testEnvironment({ db: 'postgres', queue: 'memory' });
    db = await openDatabase(environment.config);
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    await environment?.cleanup();
  });
  return {
    get db() {
      if (!db) throw new Error('the database opens in beforeAll');
      return db;
    },
  };
}
