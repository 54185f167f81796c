// Webhooks: every notification reaches the portal, signed, retried until it lands, logged.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signature } from '../../workers/webhooks.ts';
import { createApplication, startTestService, uploadForm, waitFor, type TestService } from '../helpers/service.ts';
import * as files from '../helpers/files.ts';

const SECRET = 'portal-shared-secret-0123456789';

describe('webhooks', () => {
  let t: TestService;
  let receiver: http.Server;
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  let failuresToInject = 2;

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        if (failuresToInject > 0) {
          failuresToInject--;
          res.writeHead(503).end();
        } else res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    t = await startTestService(
      { db: 'pglite', queue: 'memory' },
      {
        WEBHOOK_URL: `http://127.0.0.1:${port}/hooks`,
        WEBHOOK_SECRET: SECRET,
        WEBHOOK_BACKOFF_MS: '50',
        WEBHOOK_INTERVAL_MS: '100',
      },
    );
  });
  afterAll(async () => {
    await t?.stop();
    receiver?.close();
  });

  it('delivers every status change, signed, retrying through failures', async () => {
    const applicationId = await createApplication(t);
    await t.api('POST', `/v1/applications/${applicationId}/documents`, {
      body: uploadForm('passport', files.golden('valid-uzb/passport.jpg'), 'p.jpg'),
    });
    const { prisma } = t.service.runtime.db;
    const delivered = await waitFor(
      async () => {
        const rows = await prisma.webhookDelivery.findMany({
          where: { payload: { path: ['applicationId'], equals: applicationId } },
        });
        return rows.length === 3 && rows.every((r) => r.status === 'delivered') ? rows : undefined;
      },
      30_000,
      'the receipt and both status changes delivered',
    );
    // Two failures were injected before the first success.
    expect(delivered.map((d) => d.attempts).reduce((a, b) => a + b)).toBe(5);
    expect(delivered.map((d) => d.event).sort()).toEqual([
      'document_received',
      'documents_requested',
      'status_changed',
    ]);

    const last = received.findLast((r) => JSON.parse(r.body).event === 'documents_requested')!;
    const expected = signature(SECRET, String(last.headers['x-docverify-timestamp']), last.body);
    expect(last.headers['x-docverify-signature']).toBe(expected);
    expect(signature('another-secret-0123456789', String(last.headers['x-docverify-timestamp']), last.body)).not.toBe(
      expected,
    );
    const event = JSON.parse(last.body);
    expect(event).toMatchObject({
      event: 'documents_requested',
      applicationId,
      data: { from: 'processing', to: 'clarification_required' },
    });
    expect(event.data.missingDocuments.map((d: { kind: string }) => d.kind)).toEqual(['migration_card', 'selfie']);
  });

  it('shows the delivery log to admins only, and re-delivers on request', async () => {
    const log = await t.api('GET', '/v1/webhooks/deliveries?status=delivered', { key: t.keys.admin });
    expect(log.status).toBe(200);
    expect(log.body.deliveries.length).toBeGreaterThanOrEqual(2);
    expect((await t.api('GET', '/v1/webhooks/deliveries', { key: t.keys.portal })).status).toBe(403);

    const before = received.length;
    const redeliver = await t.api('POST', `/v1/webhooks/deliveries/${log.body.deliveries[0].id}/redeliver`, {
      key: t.keys.admin,
    });
    expect(redeliver.status).toBe(202);
    await waitFor(async () => received.length > before, 10_000, 're-delivery');
    expect(JSON.parse(received.at(-1)!.body).id).toBe(log.body.deliveries[0].id);
  });
});
