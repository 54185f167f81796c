// Fail closed: a crash injected into each stage in turn (FAULT_STAGE, set on
// the running service) is retried, then sends the application to a reviewer
// with `stage_failed` naming the stage — never to approval. The same golden
// application without a fault is approved, so the test can tell the difference.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApplication,
  goldenProfile,
  startTestService,
  uploadGoldenSet,
  waitFor,
  type TestService,
} from '../helpers/service.ts';

const STAGES = ['normalize', 'quality', 'mrz', 'viz', 'portrait', 'migration_card', 'liveness', 'selfie', 'face'];

describe('fail closed under injected stage crashes (PGlite + in-process queue)', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ db: 'pglite', queue: 'memory' }, { JOB_ATTEMPTS: '2', JOB_BACKOFF_MS: '50' });
  });
  afterAll(() => t?.stop());

  async function verdictWith(fault: string | undefined) {
    const faults = t.service.runtime.config.faults as { stage?: string };
    faults.stage = fault;
    const applicationId = await createApplication(t, goldenProfile('valid-uzb'));
    await uploadGoldenSet(t, applicationId, 'valid-uzb');
    const application = await waitFor(
      async () => {
        const { body } = await t.api('GET', `/v1/applications/${applicationId}`);
        return body.status !== 'processing' ? body : undefined;
      },
      90_000,
      `application with a fault in ${fault}`,
    );
    const runs = await t.service.runtime.db.prisma.verificationRun.findMany({ where: { applicationId } });
    return { application, runs };
  }

  it('approves the clean application (control)', async () => {
    const { application } = await verdictWith(undefined);
    expect(application.status).toBe('approved');
  });

  it.each(STAGES)('never approves when %s crashes: retried, then a reviewer sees stage_failed', async (stage) => {
    const { application, runs } = await verdictWith(stage);
    expect(application.status).toBe('under_review');
    const failed = application.reasons.find((r: { code: string }) => r.code === 'stage_failed');
    expect(failed?.message).toContain(`The ${stage} check`);
    if (stage !== 'face') {
      // Each crashing document was tried twice (JOB_ATTEMPTS=2), and both runs failed.
      const crashed = runs.filter((run) => run.error?.includes(`fault injected into ${stage}`));
      const documents = [...new Set(crashed.map((run) => run.documentId))];
      expect(documents.length).toBeGreaterThan(0);
      for (const id of documents)
        expect(crashed.filter((run) => run.documentId === id).map((run) => run.status)).toEqual(['failed', 'failed']);
    }
  });
});
