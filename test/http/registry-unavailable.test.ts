// A registry that does not answer, end to end: the application stays «В
// обработке», is settled again on a schedule, and after the last attempt goes
// to a reviewer — never rejected, never lost. When the registry comes back
// before that, the verdict is the ordinary one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApplication,
  goldenProfile,
  startTestService,
  uploadGoldenSet,
  waitFor,
  type TestService,
} from '../helpers/service.ts';
import { startRegistryStub, type RegistryStub } from '../helpers/registry-stub.ts';

let stub: RegistryStub;
let t: TestService;
beforeAll(async () => {
  stub = await startRegistryStub({ failureRate: 1 });
  // The stub knows what the golden registry files hold.
  await stub.load('fixtures/golden/registries');
  t = await startTestService(
    { db: 'pglite', queue: 'memory' },
    {
      REGISTRY_URL: stub.url,
      REGISTRY_RETRIES: '1',
      REGISTRY_RETRY_BACKOFF_MS: '10',
      REGISTRY_TIMEOUT_MS: '500',
      REGISTRY_SETTLE_ATTEMPTS: '3',
      REGISTRY_SETTLE_BACKOFF_MS: '300',
      SWEEP_INTERVAL_MS: '200',
      REGISTRY_BREAKER_COOLDOWN_MS: '100',
    },
  );
}, 60_000);
afterAll(async () => {
  await t?.stop();
  await stub?.close();
});

const application = async (id: string) => (await t.api('GET', `/v1/applications/${id}`)).body;

describe('registry unavailable', () => {
  it('keeps the application in processing, retries on schedule, then hands it to a reviewer', async () => {
    stub.faults.failureRate = 1;
    const id = await createApplication(t, goldenProfile('valid-uzb'));
    await uploadGoldenSet(t, id, 'valid-uzb');
    const { prisma } = t.service.runtime.db;
    await waitFor(
      async () => ((await prisma.application.findUnique({ where: { id } }))!.registryAttempts >= 1 ? true : undefined),
      60_000,
      'a first attempt',
    );
    expect((await application(id)).status).toBe('processing');
    const settled = await waitFor(
      async () => {
        const body = await application(id);
        return body.status !== 'processing' ? body : undefined;
      },
      60_000,
      'the last attempt',
    );
    expect(settled.status).toBe('under_review');
    expect(settled.reasons.map((r: { code: string }) => r.code)).toEqual(['registry_unavailable']);
    const audit = await prisma.auditEvent.findMany({
      where: { entityId: id, action: 'application.registry_unavailable' },
    });
    expect(audit).toHaveLength(2);
    expect(stub.stats.requests).toBeGreaterThan(0);
  }, 90_000);

  it('settles normally once the registry answers again', async () => {
    stub.faults.failureRate = 1;
    const id = await createApplication(t, goldenProfile('valid-kgz'));
    await uploadGoldenSet(t, id, 'valid-kgz');
    const { prisma } = t.service.runtime.db;
    await waitFor(
      async () => ((await prisma.application.findUnique({ where: { id } }))!.registryAttempts >= 1 ? true : undefined),
      60_000,
      'a first attempt',
    );
    stub.faults.failureRate = 0;
    const settled = await waitFor(
      async () => {
        const body = await application(id);
        return body.status !== 'processing' ? body : undefined;
      },
      60_000,
      'settlement',
    );
    expect({ status: settled.status, reasons: settled.reasons.map((r: { code: string }) => r.code) }).toEqual({
      status: 'approved',
      reasons: [],
    });
    const stored = await prisma.application.findUniqueOrThrow({ where: { id } });
    expect(stored).toMatchObject({ registryAttempts: 0, nextSettleAt: null });
    expect(stored.registryChecks).toMatchObject({ tax_numbers: { answer: { status: 'found' } } });
  }, 90_000);
});
