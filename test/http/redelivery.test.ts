// A job delivered twice, or twice at once, finishes its document exactly once.
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as files from '../helpers/files.ts';
import {
  createApplication,
  driverName,
  serversOf,
  startTestService,
  uploadForm,
  waitFor,
  type Drivers,
  type TestService,
} from '../helpers/service.ts';
import { processDocument } from '../../workers/runner.ts';
import { STAGES } from '../../pipeline/stages.ts';
import { describeWithServers } from '../helpers/servers.ts';

const PASSPORT_STAGES = STAGES.filter((stage) => (stage.appliesTo as readonly string[]).includes('passport')).length;

for (const drivers of [
  { db: 'pglite', queue: 'memory' },
  { db: 'postgres', queue: 'bullmq' },
] as Drivers[])
  describeWithServers(serversOf(drivers), `idempotent re-delivery (${driverName(drivers)})`, () => {
    let t: TestService;
    // No consumer at first: the test delivers the job itself.
    beforeAll(async () => {
      t = await startTestService(drivers, { RUN_WORKERS: '0' });
    });
    afterAll(() => t?.stop());

    it('stores one set of results however often and however concurrently the job arrives', async () => {
      const applicationId = await createApplication(t);
      const upload = await t.api('POST', `/v1/applications/${applicationId}/documents`, {
        body: uploadForm('passport', files.golden('valid-tjk/passport.jpg'), 'p.jpg'),
      });
      const { documentId } = upload.body;
      const { runtime } = t.service;
      const { prisma } = runtime.db;
      expect((await prisma.document.findUniqueOrThrow({ where: { id: documentId } })).status).toBe('received');

      const first = { attempt: 1, final: false };
      const outcomes = await Promise.all([
        processDocument(runtime, documentId, first),
        processDocument(runtime, documentId, first),
      ]);
      expect(outcomes.filter((o) => o === 'processed')).toHaveLength(1);
      expect(await processDocument(runtime, documentId, first)).toBe('skipped');

      // Now let the queue deliver it too, and push it again through both entry points.
      runtime.consume();
      await runtime.queue.enqueue({ documentId });
      await runtime.queue.requeue({ documentId });
      await waitFor(async () => (runtime.queue.kind === 'memory' ? true : (await prisma.auditEvent.count()) > 0), 5000);
      await new Promise((resolve) => setTimeout(resolve, 1500));

      const runs = await prisma.verificationRun.findMany({ where: { documentId }, include: { checks: true } });
      const withChecks = runs.filter((run) => run.checks.length > 0);
      expect(withChecks).toHaveLength(1);
      expect(withChecks[0]!.status).toBe('succeeded');
      // One row per passport stage (normalize, quality, mrz, viz), stored once.
      expect(await prisma.checkResult.count({ where: { documentId } })).toBe(PASSPORT_STAGES);
      const settled = await prisma.applicationStatusHistory.count({
        where: { applicationId, fromStatus: 'processing' },
      });
      expect(settled).toBe(1);
    });
  });
