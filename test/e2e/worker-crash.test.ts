// PostgreSQL + BullMQ with a separate worker process: killing the worker in
// the middle of a job and starting it again completes the job exactly once.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startService, type RunningService } from '../../api/server.ts';
import { createApiKey } from '../../db/api-keys.ts';
import * as files from '../helpers/files.ts';
import { runCli } from '../helpers/process.ts';
import {
  importGoldenRegistries,
  REDIS_URL,
  testEnvironment,
  uploadForm,
  waitFor,
  APPLICANT,
  type TestEnvironment,
} from '../helpers/service.ts';
import { STAGES } from '../../pipeline/stages.ts';
import { describeWithServers } from '../helpers/servers.ts';

const PASSPORT_STAGES = STAGES.filter((stage) => (stage.appliesTo as readonly string[]).includes('passport')).length;

describeWithServers(['postgres', 'redis'], 'a worker killed mid-job (PostgreSQL + BullMQ)', () => {
  let environment: TestEnvironment;
  let api: RunningService;
  let key: string;

  beforeAll(async () => {
    environment = await testEnvironment({ db: 'postgres', queue: 'bullmq' }, { RUN_WORKERS: '0', JOB_LOCK_MS: '2000' });
    api = await startService(environment.config);
    await importGoldenRegistries(api.runtime.db);
    key = (await createApiKey(api.runtime.db.prisma, { role: 'portal', name: 'crash test' })).key;
  });
  afterAll(async () => {
    await api?.close();
    await environment?.cleanup();
  });

  it('re-runs the job once after a restart and stores its results once', async () => {
    const call = (route: string, init: RequestInit = {}) =>
      fetch(`${api.url}${route}`, { ...init, headers: { authorization: `Bearer ${key}`, ...init.headers } }).then(
        (r) => r.json() as Promise<any>,
      );
    const application = await call('/v1/applications', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ serviceType: 'work_patent', applicant: APPLICANT }),
    });
    const upload = await call(`/v1/applications/${application.id}/documents`, {
      method: 'POST',
      body: uploadForm('passport', files.golden('valid-kgz/passport.jpg'), 'p.jpg'),
    });
    const { documentId } = upload;
    const { prisma } = api.runtime.db;

    // The first worker is slowed down so that it is surely mid-job when killed.
    const slow = runCli(['worker'], { ...environment.env, FAULT_STAGE_DELAY_MS: '20000' });
    await waitFor(
      () => prisma.verificationRun.findFirst({ where: { documentId, status: 'running' } }),
      30_000,
      'the first run',
    );
    slow.child.kill('SIGKILL');
    await slow.exited;
    expect((await prisma.document.findUniqueOrThrow({ where: { id: documentId } })).status).toBe('processing');

    const healthy = runCli(['worker'], environment.env);
    try {
      await waitFor(
        async () => (await prisma.document.findUniqueOrThrow({ where: { id: documentId } })).status === 'processed',
        40_000,
        'the document to be processed after the restart',
      );
      const runs = await prisma.verificationRun.findMany({
        where: { documentId },
        orderBy: { attempt: 'asc' },
        include: { checks: true },
      });
      expect(runs.map((run) => [run.attempt, run.status, run.checks.length])).toEqual([
        [1, 'interrupted', 0],
        [2, 'succeeded', PASSPORT_STAGES],
      ]);
      expect(runs[0]!.worker).not.toBe(runs[1]!.worker);
      expect(await prisma.checkResult.count({ where: { documentId } })).toBe(PASSPORT_STAGES);
      // The settlement follows the document's commit.
      await waitFor(
        async () =>
          (await prisma.applicationStatusHistory.count({
            where: { applicationId: application.id, fromStatus: 'processing' },
          })) > 0,
        30_000,
        'settlement',
      );
      const settlements = await prisma.applicationStatusHistory.count({
        where: { applicationId: application.id, fromStatus: 'processing' },
      });
      expect(settlements).toBe(1);

      const queue = new Queue(environment.env.QUEUE_NAME!, {
        connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }),
      });
      expect(await (await queue.getJob(documentId))?.getState()).toBe('completed');
      await queue.close();
    } finally {
      healthy.child.kill('SIGTERM');
      expect(await healthy.exited).toBe(0);
    }
  });

  it('refuses to start a separate worker on the embedded database', async () => {
    const embedded = runCli(['worker'], { DATA_DIR: environment.config.dataDir, DATABASE_URL: '', REDIS_URL: '' });
    expect(await embedded.exited).toBe(1);
    expect(embedded.output()).toContain('set DATABASE_URL and REDIS_URL');
  });
});
