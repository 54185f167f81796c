// GET /metrics: admin keys only; after one golden application is processed it
// shows that application's stage durations, its verdict, the statuses and queue
// read from the database and queue, route-templated request durations, and the
// process's memory. The expected numbers come from the database, not the exporter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApplication,
  goldenProfile,
  startTestService,
  uploadGoldenSet,
  waitFor,
  type TestService,
} from '../helpers/service.ts';

/** The value of one series in the Prometheus text format, or undefined. */
function series(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => have[key] === value)) return Number(match[3]);
  }
  return undefined;
}

describe('metrics', () => {
  let t: TestService;
  let applicationId: string;

  beforeAll(async () => {
    t = await startTestService({ db: 'pglite', queue: 'memory' });
    applicationId = await createApplication(t, goldenProfile('valid-tjk'));
    await uploadGoldenSet(t, applicationId, 'valid-tjk');
    await waitFor(
      async () => (await t.api('GET', `/v1/applications/${applicationId}`)).body.status === 'approved',
      90_000,
    );
  }, 120_000);
  afterAll(() => t?.stop());

  const scrape = async (key?: string) => {
    const response = await fetch(`${t.url}/metrics`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  };

  it('answers admin keys only', async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape(t.keys.portal)).status).toBe(403);
    expect((await scrape(t.keys.reviewer)).status).toBe(403);
    const admin = await scrape(t.keys.admin);
    expect(admin.status).toBe(200);
    expect(admin.type).toContain('text/plain');
  });

  it('counts what the pipeline and the API did, and reads statuses and the queue', async () => {
    const { prisma } = t.service.runtime.db;
    const { text } = await scrape(t.keys.admin);
    // One passport went through every stage once.
    const passportChecks = await prisma.checkResult.findMany({
      where: { document: { applicationId, kind: 'passport' } },
    });
    for (const check of passportChecks) {
      expect(
        series(text, 'docverify_stage_duration_seconds_count', {
          stage: check.stage,
          kind: 'passport',
          outcome: check.outcome,
        }),
        check.stage,
      ).toBe(1);
    }
    expect(series(text, 'docverify_documents_processed_total', { kind: 'selfie', result: 'processed' })).toBe(1);
    expect(series(text, 'docverify_verdicts_total', { status: 'approved' })).toBeGreaterThanOrEqual(1);
    const approved = await prisma.application.count({ where: { status: 'approved' } });
    expect(series(text, 'docverify_applications', { status: 'approved' })).toBe(approved);
    expect(series(text, 'docverify_queue_jobs', { state: 'waiting' })).toBe(0);
    expect(series(text, 'docverify_queue_jobs', { state: 'active' })).toBe(0);
    expect(series(text, 'docverify_pool', { measure: 'threads' })).toBe(2);
    // Routes by template, not by id.
    expect(
      series(text, 'docverify_http_request_duration_seconds_count', {
        route: '/v1/applications/:id',
        method: 'GET',
        status: '200',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(applicationId);
    expect(series(text, 'docverify_process_resident_memory_bytes')).toBeGreaterThan(50e6);
  });
});
