import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICANT, createApplication, startTestService, uploadForm, type TestService } from '../helpers/service.ts';
import * as files from '../helpers/files.ts';

describe('authentication and roles', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ db: 'pglite', queue: 'memory' });
  });
  afterAll(() => t?.stop());

  it('keeps /health and /ready open and everything under /v1 behind a key', async () => {
    expect((await t.api('GET', '/health', { key: '' })).status).toBe(200);
    // Anyone learns whether it is ready; only an admin learns what runs where.
    const ready = await t.api('GET', '/ready', { key: '' });
    expect(ready).toEqual({ status: 200, body: { status: 'ready' } });
    expect((await t.api('GET', '/ready', { key: t.keys.portal })).body).toEqual({ status: 'ready' });
    const detailed = await t.api('GET', '/ready', { key: t.keys.admin });
    expect(detailed).toMatchObject({ status: 200, body: { status: 'ready', checks: { database: 'ok', queue: 'ok' } } });
    for (const key of ['', 'dv_portal_not-a-real-key']) {
      const response = await t.api('GET', '/v1/applications/00000000-0000-4000-8000-000000000000', { key });
      expect([response.status, response.body.error.code]).toEqual([401, 'unauthorized']);
    }
  });

  it('sends security headers, no-store on /v1 and a challenge on 401', async () => {
    const applicationId = await createApplication(t);
    const response = await fetch(`${t.url}/v1/applications/${applicationId}`, {
      headers: { authorization: `Bearer ${t.keys.portal}` },
    });
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const denied = await fetch(`${t.url}/v1/applications/${applicationId}`);
    expect(denied.headers.get('www-authenticate')).toBe('Bearer realm="docverify"');
  });

  it('limits failed authentications per address, not successful ones', async () => {
    const limited = await startTestService(
      { db: 'pglite', queue: 'memory' },
      { RUN_WORKERS: '0', RATE_LIMIT_AUTH_FAILURES: '5', RATE_LIMIT_UPLOADS_PER_MIN: '3' },
    );
    try {
      for (let i = 0; i < 8; i++)
        expect((await limited.api('GET', '/v1/reviews', { key: limited.keys.admin })).status).toBe(200);
      const statuses = [];
      for (let i = 0; i < 7; i++)
        statuses.push((await limited.api('GET', '/v1/reviews', { key: `dv_admin_guess${i}` })).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
      const body = (await limited.api('GET', '/v1/reviews', { key: 'dv_admin_guess' })).body;
      expect(body.error.code).toBe('rate_limited');
      // Uploads: per key.
      const applicationId = await createApplication(limited);
      const upload = async (key: string) =>
        (
          await limited.api('POST', `/v1/applications/${applicationId}/documents`, {
            key,
            body: uploadForm('passport', await files.jpeg(), 'a.jpg', 'image/jpeg'),
          })
        ).status;
      const uploads = [];
      for (let i = 0; i < 4; i++) uploads.push(await upload(limited.keys.portal));
      expect(uploads).toEqual([202, 202, 202, 429]);
      expect(await upload(limited.keys.admin)).toBe(202);
    } finally {
      await limited.stop();
    }
  });

  it('lets reviewers read but not create or upload', async () => {
    const applicationId = await createApplication(t);
    expect((await t.api('GET', `/v1/applications/${applicationId}`, { key: t.keys.reviewer })).status).toBe(200);
    const create = await t.api('POST', '/v1/applications', {
      key: t.keys.reviewer,
      json: { serviceType: 'inn', applicant: APPLICANT },
    });
    expect([create.status, create.body.error.code]).toEqual([403, 'forbidden']);
    const upload = await t.api('POST', `/v1/applications/${applicationId}/documents`, {
      key: t.keys.reviewer,
      body: uploadForm('passport', await files.jpeg(), 'a.jpg'),
    });
    expect([upload.status, upload.body.error.code]).toEqual([403, 'forbidden']);
  });

  it('stops accepting a revoked key', async () => {
    const { prisma } = t.service.runtime.db;
    const client = await prisma.apiClient.findFirstOrThrow({ where: { role: 'admin' } });
    expect(
      (await t.api('GET', '/v1/applications/00000000-0000-4000-8000-000000000000', { key: t.keys.admin })).status,
    ).toBe(404);
    await prisma.apiClient.update({ where: { id: client.id }, data: { revokedAt: new Date() } });
    expect(
      (await t.api('GET', '/v1/applications/00000000-0000-4000-8000-000000000000', { key: t.keys.admin })).status,
    ).toBe(401);
  });

  it('stores keys hashed, never in clear', async () => {
    const rows = await t.service.runtime.db.prisma.apiClient.findMany();
    for (const row of rows) {
      expect(Object.values(t.keys)).not.toContain(row.keyHash);
      expect(row.keyHash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('validates the applicant profile field by field', async () => {
    const bad = await t.api('POST', '/v1/applications', {
      json: { serviceType: 'registration_at_stay', applicant: { ...APPLICANT, citizenship: 'Uzbekistan' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', field: 'applicant.citizenship' });
    const unknown = await t.api('POST', '/v1/applications', {
      json: { serviceType: 'registration_at_stay', applicant: { ...APPLICANT, citizenship: 'XYZ' } },
    });
    expect([unknown.status, unknown.body.error.field]).toEqual([400, 'applicant.citizenship']);
    const badJson = await fetch(`${t.url}/v1/applications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.keys.portal}`, 'content-type': 'application/json' },
      body: '{"serviceType":',
    });
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
  });
});
