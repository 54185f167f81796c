// Every route × every role × the caller's own organisation's object, another
// organisation's object and one that does not exist. Expected answers come
// from the rules in the table below, not from the service: a role a route does
// not admit gets 403; another organisation's object answers exactly like a
// missing one (404, no existence leak), except for the global admin.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiKey } from '../../db/api-keys.ts';
import { createOrganization, DEFAULT_ORGANIZATION_ID } from '../../db/organizations.ts';
import * as files from '../helpers/files.ts';
import { APPLICANT, startTestService, uploadForm, type TestService } from '../helpers/service.ts';
import { describeWithServers } from '../helpers/servers.ts';

type Role = 'portal' | 'reviewer' | 'admin';
type Target = 'own' | 'other' | 'missing';

interface Objects {
  accountId: string;
  applicationId: string;
  documentId: string;
  notificationId: string;
  deliveryId: string;
  sessionId: string;
}

interface Route {
  name: string;
  roles: Role[];
  /** Statuses a permitted call may get on an object it may see (a 409 is a state, not a leak). */
  ok: number[];
  call(t: TestService, key: string, objects: Objects): Promise<{ status: number; body: any }>;
  /** Lists: whether the other organisation's object shows up in the answer. */
  leaks?: (body: any, other: Objects) => boolean;
}

const MISSING = '00000000-0000-4000-8000-0000000000ff';
const missing: Objects = {
  accountId: MISSING,
  applicationId: MISSING,
  documentId: MISSING,
  notificationId: MISSING,
  deliveryId: MISSING,
  sessionId: MISSING,
};

const ROUTES: Route[] = [
  {
    name: 'POST /applications (accountId)',
    roles: ['portal', 'admin'],
    ok: [201],
    call: (t, key, o) =>
      t.api('POST', '/v1/applications', { key, json: { serviceType: 'inn', accountId: o.accountId } }),
  },
  {
    name: 'GET /applications/:id',
    roles: ['portal', 'reviewer', 'admin'],
    ok: [200],
    call: (t, key, o) => t.api('GET', `/v1/applications/${o.applicationId}`, { key }),
  },
  {
    name: 'POST /applications/:id/documents',
    roles: ['portal', 'admin'],
    ok: [202, 409],
    call: async (t, key, o) =>
      t.api('POST', `/v1/applications/${o.applicationId}/documents`, {
        key,
        body: uploadForm('selfie', await files.jpeg(), 'me.jpg', 'image/jpeg'),
      }),
  },
  {
    name: 'POST /applications/:id/liveness-sessions',
    roles: ['portal', 'admin'],
    ok: [201, 409],
    call: (t, key, o) => t.api('POST', `/v1/applications/${o.applicationId}/liveness-sessions`, { key }),
  },
  {
    name: 'GET /liveness-sessions/:id',
    roles: ['portal', 'reviewer', 'admin'],
    ok: [200],
    call: (t, key, o) => t.api('GET', `/v1/liveness-sessions/${o.sessionId}`, { key }),
  },
  {
    name: 'POST /liveness-sessions/:id/frames',
    roles: ['portal', 'admin'],
    ok: [200, 409],
    call: async (t, key, o) => {
      const form = new FormData();
      form.set('nonce', 'not-the-nonce-of-this-session');
      form.append('frames', new Blob([new Uint8Array(await files.jpeg())], { type: 'image/jpeg' }), 'f0.jpg');
      return t.api('POST', `/v1/liveness-sessions/${o.sessionId}/frames`, { key, body: form });
    },
  },
  {
    name: 'GET /documents/:id',
    roles: ['portal', 'reviewer', 'admin'],
    ok: [200],
    call: (t, key, o) => t.api('GET', `/v1/documents/${o.documentId}`, { key }),
  },
  {
    name: 'GET /documents/:id/artifacts/portrait',
    roles: ['reviewer', 'admin'],
    ok: [200],
    call: async (t, key, o) => {
      const response = await fetch(`${t.url}/v1/documents/${o.documentId}/artifacts/portrait`, {
        headers: { authorization: `Bearer ${key}` },
      });
      const type = response.headers.get('content-type') ?? '';
      return {
        status: response.status,
        body: type.includes('json') ? await response.json() : await response.arrayBuffer(),
      };
    },
  },
  {
    name: 'GET /applications/:id/act.pdf',
    roles: ['portal', 'reviewer', 'admin'],
    // Under review: no act yet, a state; a decided application of one's own would be a 200.
    ok: [200, 409],
    call: (t, key, o) => t.api('GET', `/v1/applications/${o.applicationId}/act.pdf`, { key }),
  },
  {
    name: 'GET /accounts/:id/applications',
    roles: ['portal', 'reviewer', 'admin'],
    ok: [200],
    call: (t, key, o) => t.api('GET', `/v1/accounts/${o.accountId}/applications`, { key }),
  },
  {
    name: 'GET /accounts/:id/notifications',
    roles: ['portal', 'reviewer', 'admin'],
    ok: [200],
    call: (t, key, o) => t.api('GET', `/v1/accounts/${o.accountId}/notifications`, { key }),
  },
  {
    name: 'POST /notifications/:id/read',
    roles: ['portal', 'admin'],
    ok: [200],
    call: (t, key, o) => t.api('POST', `/v1/notifications/${o.notificationId}/read`, { key }),
  },
  {
    name: 'GET /reviews',
    roles: ['reviewer', 'admin'],
    ok: [200],
    call: (t, key) => t.api('GET', '/v1/reviews', { key }),
    leaks: (body, other) => (body.applications as { id: string }[]).some((a) => a.id === other.applicationId),
  },
  {
    name: 'POST /applications/:id/review/claim',
    roles: ['reviewer', 'admin'],
    ok: [200, 409],
    call: (t, key, o) => t.api('POST', `/v1/applications/${o.applicationId}/review/claim`, { key }),
  },
  {
    name: 'POST /applications/:id/review/decision',
    roles: ['reviewer', 'admin'],
    ok: [200, 409],
    call: (t, key, o) =>
      t.api('POST', `/v1/applications/${o.applicationId}/review/decision`, {
        key,
        json: { decision: 'reject', comment: 'matrix' },
      }),
  },
  {
    name: 'GET /webhooks/deliveries',
    roles: ['admin'],
    ok: [200],
    call: (t, key) => t.api('GET', '/v1/webhooks/deliveries', { key }),
    leaks: (body, other) => (body.deliveries as { id: string }[]).some((d) => d.id === other.deliveryId),
  },
  {
    name: 'POST /webhooks/deliveries/:id/redeliver',
    roles: ['admin'],
    ok: [202],
    call: (t, key, o) => t.api('POST', `/v1/webhooks/deliveries/${o.deliveryId}/redeliver`, { key }),
  },
  {
    name: 'DELETE /accounts/:id',
    roles: ['portal', 'admin'],
    ok: [200, 409],
    call: (t, key, o) => t.api('DELETE', `/v1/accounts/${o.accountId}`, { key }),
  },
];

describeWithServers(['postgres'], 'authorization matrix (PostgreSQL)', () => {
  let t: TestService;
  const keys: Record<'A' | 'B', Record<Role, string>> = {
    A: {} as Record<Role, string>,
    B: {} as Record<Role, string>,
  };
  let orgB: string;
  const results: { route: string; role: Role; org: 'A' | 'B'; target: Target; status: number; leak: boolean }[] = [];

  /** A fresh account, application under review, uploaded document with a stored portrait crop, notification and delivery. */
  async function objectsOf(org: 'A' | 'B'): Promise<Objects> {
    const portal = keys[org].portal;
    const created = await t.api('POST', '/v1/applications', {
      key: portal,
      json: { serviceType: 'inn', applicant: APPLICANT },
    });
    const applicationId = created.body.id as string;
    const upload = await t.api('POST', `/v1/applications/${applicationId}/documents`, {
      key: portal,
      body: uploadForm('passport', await files.jpeg(), 'p.jpg', 'image/jpeg'),
    });
    const documentId = upload.body.documentId as string;
    const { prisma } = t.service.runtime.db;
    // The pipeline's result, as the runner stores it: a run with a portrait crop.
    const run = await prisma.verificationRun.create({
      data: { applicationId, documentId, attempt: 1, status: 'succeeded', worker: 'matrix' },
    });
    await t.service.runtime.blobs.put(`${documentId}.portrait`, randomBytes(64));
    await prisma.checkResult.create({
      data: {
        runId: run.id,
        documentId,
        stage: 'portrait',
        outcome: 'pass',
        details: { artifacts: { portrait: `${documentId}.portrait` } },
        durationMs: 1,
      },
    });
    await prisma.document.update({ where: { id: documentId }, data: { status: 'processed' } });
    const session = await t.api('POST', `/v1/applications/${applicationId}/liveness-sessions`, { key: portal });
    await prisma.application.update({ where: { id: applicationId }, data: { status: 'under_review' } });
    const notification = await prisma.notification.findFirstOrThrow({ where: { applicationId } });
    const delivery = await prisma.webhookDelivery.findFirstOrThrow({ where: { notificationId: notification.id } });
    return {
      accountId: created.body.accountId,
      applicationId,
      documentId,
      notificationId: notification.id,
      deliveryId: delivery.id,
      sessionId: session.body.id,
    };
  }

  beforeAll(async () => {
    t = await startTestService(
      { db: 'postgres', queue: 'memory' },
      {
        RUN_WORKERS: '0',
        RATE_LIMIT_UPLOADS_PER_MIN: '100000',
        WEBHOOK_URL: 'http://127.0.0.1:9/a',
        WEBHOOK_SECRET: 'default-secret-0123456789',
      },
    );
    const { prisma } = t.service.runtime.db;
    orgB = (await createOrganization(prisma, 'portal B', { url: 'http://127.0.0.1:9/b' })).id;
    for (const role of ['portal', 'reviewer', 'admin'] as const) {
      keys.A[role] =
        role === 'admin'
          ? t.keys.admin
          : (await createApiKey(prisma, { role, name: `A ${role}`, organizationId: DEFAULT_ORGANIZATION_ID })).key;
      keys.B[role] =
        role === 'admin'
          ? t.keys.admin
          : (await createApiKey(prisma, { role, name: `B ${role}`, organizationId: orgB })).key;
    }
  });
  afterAll(() => t?.stop());

  it.each(ROUTES.map((route) => [route.name, route] as const))('%s', async (_name, route) => {
    for (const org of ['A', 'B'] as const) {
      for (const role of ['portal', 'reviewer', 'admin'] as const) {
        if (org === 'B' && role === 'admin') continue; // one global admin
        for (const target of ['own', 'other', 'missing'] as const) {
          if (route.leaks && target !== 'other') continue; // a list has no target: asked once, searched for the other's object
          // Fresh objects per call: the calls change state (uploads, claims, erasure).
          const own = await objectsOf(org);
          const other = await objectsOf(org === 'A' ? 'B' : 'A');
          const objects = target === 'own' ? own : target === 'other' ? other : missing;
          const answer = await route.call(t, keys[org][role], objects);
          const permitted = route.roles.includes(role);
          const visible = target === 'own' || (target === 'other' && role === 'admin');
          const listed = answer.status === 200 && route.leaks ? route.leaks(answer.body, other) : false;
          const leak =
            !visible && target === 'other' && (route.leaks ? listed : answer.status >= 200 && answer.status < 300);
          results.push({ route: route.name, role, org, target, status: answer.status, leak });
          const where = `${role} of ${org} → ${target}`;
          if (!permitted) expect(answer.status, where).toBe(403);
          else if (route.leaks) {
            expect(answer.status, where).toBe(200);
            expect(listed, where).toBe(role === 'admin');
          } else if (visible)
            expect(route.ok, `${where}: ${answer.status} ${JSON.stringify(answer.body)}`).toContain(answer.status);
          else
            expect({ where, status: answer.status, code: answer.body?.error?.code }).toEqual({
              where,
              status: 404,
              code: 'not_found',
            });
        }
      }
    }
  });

  it('leaks nothing across organisations and never answers 5xx', () => {
    const summary = {
      requests: results.length,
      crossOrganisation: results.filter((r) => r.target === 'other' && r.role !== 'admin').length,
      leaks: results.filter((r) => r.leak).length,
      serverErrors: results.filter((r) => r.status >= 500).length,
    };
    console.log(`authorization matrix: ${JSON.stringify(summary)}`);
    expect(summary.requests).toBe(ROUTES.reduce((sum, route) => sum + (route.leaks ? 5 : 15), 0));
    expect(summary.leaks).toBe(0);
    expect(summary.serverErrors).toBe(0);
  });
});
