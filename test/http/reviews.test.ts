// The reviewer's queue, leases and decisions, and the applicant's notifications, over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../db/api-keys.ts';
import {
  createApplication,
  goldenProfile,
  startTestService,
  uploadGoldenSet,
  waitFor,
  type TestService,
} from '../helpers/service.ts';

describe('reviewer API', () => {
  let t: TestService;
  let second: string;
  let applicationId: string;

  beforeAll(async () => {
    t = await startTestService({ db: 'pglite', queue: 'memory' });
    second = (await createApiKey(t.service.runtime.db.prisma, { role: 'reviewer', name: 'second reviewer' })).key;
    applicationId = await createApplication(t, goldenProfile('translit-probable'));
    await uploadGoldenSet(t, applicationId, 'translit-probable');
    // A surname one vowel away from the passport's: the case a reviewer must decide.
    await waitFor(
      async () => (await t.api('GET', `/v1/applications/${applicationId}`)).body.status === 'under_review',
      60_000,
    );
  });
  afterAll(() => t?.stop());

  it('lists applications under review, filterable by reason, to reviewers only', async () => {
    const queue = await t.api('GET', '/v1/reviews', { key: t.keys.reviewer });
    expect(queue.status).toBe(200);
    expect(queue.body.applications.map((a: { id: string }) => a.id)).toContain(applicationId);
    const byReason = await t.api('GET', '/v1/reviews?reason=profile_name_mismatch', { key: t.keys.reviewer });
    expect(byReason.body.applications).toEqual([]);
    const portal = await t.api('GET', '/v1/reviews', { key: t.keys.portal });
    expect([portal.status, portal.body.error.code]).toEqual([403, 'forbidden']);
  });

  it('lets one reviewer hold a case: the other can neither claim nor decide it', async () => {
    const claim = await t.api('POST', `/v1/applications/${applicationId}/review/claim`, { key: t.keys.reviewer });
    expect(claim.status).toBe(200);
    expect(new Date(claim.body.leaseExpiresAt).getTime()).toBeGreaterThan(Date.now());
    const again = await t.api('POST', `/v1/applications/${applicationId}/review/claim`, { key: second });
    expect([again.status, again.body.error.code]).toEqual([409, 'review_claimed']);
    const decide = await t.api('POST', `/v1/applications/${applicationId}/review/decision`, {
      key: second,
      json: { decision: 'approve', comment: 'looks fine' },
    });
    expect([decide.status, decide.body.error.code]).toEqual([409, 'review_not_claimed']);
    const queue = await t.api('GET', '/v1/reviews', { key: second });
    expect(queue.body.applications.find((a: { id: string }) => a.id === applicationId).claimedBy).toEqual(
      expect.any(String),
    );
  });

  it('hands the case over when the lease runs out', async () => {
    await t.service.runtime.db.prisma.review.updateMany({
      where: { applicationId },
      data: { leaseExpiresAt: new Date(Date.now() - 1000) },
    });
    const claim = await t.api('POST', `/v1/applications/${applicationId}/review/claim`, { key: second });
    expect(claim.status).toBe(200);
  });

  it('records the decision with the reviewer, moves the application and notifies the applicant', async () => {
    const incomplete = await t.api('POST', `/v1/applications/${applicationId}/review/decision`, {
      key: second,
      json: { decision: 'request_clarification', comment: 'selfie too dark' },
    });
    expect([incomplete.status, incomplete.body.error.field]).toEqual([400, 'documents']);
    const decision = await t.api('POST', `/v1/applications/${applicationId}/review/decision`, {
      key: second,
      json: { decision: 'approve', comment: 'documents and photo checked', reasonCodes: ['manual_check_ok'] },
    });
    expect(decision.status).toBe(200);
    expect(decision.body).toMatchObject({ status: 'approved', statusLabel: 'Одобрено' });

    const { prisma } = t.service.runtime.db;
    const reviewer = await prisma.apiClient.findFirstOrThrow({ where: { name: 'second reviewer' } });
    const history = await prisma.applicationStatusHistory.findFirstOrThrow({
      where: { applicationId, toStatus: 'approved' },
    });
    expect(history).toMatchObject({
      actorType: 'reviewer',
      actorId: reviewer.id,
      reason: 'documents and photo checked',
    });
    const audit = await prisma.auditEvent.findFirstOrThrow({
      where: { entityId: applicationId, action: 'review.decided' },
    });
    expect(audit).toMatchObject({ actorType: 'reviewer', actorId: reviewer.id });

    const late = await t.api('POST', `/v1/applications/${applicationId}/review/claim`, { key: t.keys.reviewer });
    expect([late.status, late.body.error.code]).toEqual([409, 'not_under_review']);

    const application = await t.api('GET', `/v1/applications/${applicationId}`);
    const notifications = await t.api('GET', `/v1/accounts/${application.body.accountId}/notifications?unread=true`);
    const approved = notifications.body.notifications.find(
      (n: { payload: { to: string } }) => n.payload.to === 'approved',
    );
    expect(approved).toMatchObject({ type: 'result_ready', readAt: null });
    const types = notifications.body.notifications.map((n: { type: string }) => n.type);
    expect(types.filter((type: string) => type === 'document_received')).toHaveLength(3);
    const read = await t.api('POST', `/v1/notifications/${approved.id}/read`);
    expect(read.body.readAt).toEqual(expect.any(String));
    const unread = await t.api('GET', `/v1/accounts/${application.body.accountId}/notifications?unread=true`);
    expect(unread.body.notifications.map((n: { id: string }) => n.id)).not.toContain(approved.id);
  });
});

describe('duplicate identity', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ db: 'pglite', queue: 'memory' });
  });
  afterAll(() => t?.stop());

  it('flags the same passport on a second account for review', async () => {
    const first = await createApplication(t, goldenProfile('valid-tjk'));
    await uploadGoldenSet(t, first, 'valid-tjk');
    await waitFor(async () => (await t.api('GET', `/v1/applications/${first}`)).body.status === 'approved', 60_000);
    // Someone else, with their own profile, uploads the same passport.
    const second = await createApplication(t, { ...goldenProfile('valid-tjk'), email: 'someone.else@example.org' });
    await uploadGoldenSet(t, second, 'valid-tjk');
    const flagged = await waitFor(async () => {
      const { body } = await t.api('GET', `/v1/applications/${second}`);
      return body.status === 'under_review' ? body : undefined;
    }, 60_000);
    expect(flagged.reasons.map((r: { code: string }) => r.code)).toContain('duplicate_identity');
    expect(flagged.reasons.find((r: { code: string }) => r.code === 'duplicate_identity').message).toContain(first);
    const { body: original } = await t.api('GET', `/v1/applications/${first}`);
    expect(original.reasons.map((r: { code: string }) => r.code)).not.toContain('duplicate_identity');
  });
});
