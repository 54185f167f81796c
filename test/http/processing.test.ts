// The accepted path on every combination of database and queue driver: 202,
// the normalisation result on the application, history, audit, notifications.
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as files from '../helpers/files.ts';
import {
  ALL_DRIVERS,
  driverName,
  serversOf,
  createApplication,
  goldenProfile,
  uploadGoldenSet,
  startTestService,
  uploadForm,
  waitFor,
  type TestService,
} from '../helpers/service.ts';
import { describeWithServers } from '../helpers/servers.ts';

/** Waits until the pipeline has settled the application, then checks where it went. */
async function settled(t: TestService, applicationId: string, status: string) {
  const application = await waitFor(
    async () => {
      const { body } = await t.api('GET', `/v1/applications/${applicationId}`);
      return body.status !== 'processing' ? body : undefined;
    },
    60_000,
    `application ${applicationId} to be settled`,
  );
  expect({ status: application.status, reasons: application.reasons }).toMatchObject({ status });
  return application;
}

for (const drivers of ALL_DRIVERS)
  describeWithServers(serversOf(drivers), `processing (${driverName(drivers)})`, () => {
    let t: TestService;
    beforeAll(async () => {
      t = await startTestService(drivers);
    });
    afterAll(() => t?.stop());

    it('accepts a JPEG with 202, then shows its check results and the verdict on the whole application', async () => {
      const applicationId = await createApplication(t, goldenProfile('valid-uzb'));
      const upload = await t.api('POST', `/v1/applications/${applicationId}/documents`, {
        body: uploadForm('passport', files.golden('valid-uzb/passport.jpg'), 'passport.jpg', 'image/jpeg'),
      });
      expect(upload.status).toBe(202);
      expect(upload.body).toMatchObject({
        applicationId,
        status: 'received',
        statusUrl: `/v1/documents/${upload.body.documentId}`,
      });
      for (const [kind, file] of [
        ['migration_card', 'migration_card.jpg'],
        ['selfie', 'selfie.jpg'],
      ]) {
        const more = await t.api('POST', `/v1/applications/${applicationId}/documents`, {
          body: uploadForm(kind!, files.golden(`valid-uzb/${file}`), file!),
        });
        expect(more.status).toBe(202);
      }

      // Every automatic check passes: the application is approved without a reviewer.
      const application = await settled(t, applicationId, 'approved');
      expect(application.statusLabel).toBe('Одобрено');
      expect(application.reasons).toEqual([]);
      const [document] = application.documents;
      expect(document).toMatchObject({
        id: upload.body.documentId,
        kind: 'passport',
        status: 'processed',
        contentType: 'image/jpeg',
      });
      expect(document.checks.map((c: { stage: string; outcome: string }) => [c.stage, c.outcome])).toEqual([
        ['normalize', 'pass'],
        ['quality', 'pass'],
        ['mrz', 'pass'],
        ['viz', 'pass'],
        ['portrait', 'pass'],
      ]);
      expect(document.extracted.mrz).toMatchObject({ format: 'TD3', valid: true, fields: { nationality: 'UZB' } });
      expect(document.extracted.viz.fields).toMatchObject({
        surname: 'JURAEV',
        documentNumber: 'AB3719505',
        dateOfBirth: '1997-11-14',
      });
      const card = application.documents.find((d: { kind: string }) => d.kind === 'migration_card');
      expect(card.checks.map((c: { stage: string }) => c.stage)).toEqual(['normalize', 'quality', 'migration_card']);
      expect(card.extracted.card.fields).toMatchObject({
        series: '4595',
        number: '4621490',
        passportNumber: 'AB3719505',
        stayUntil: '2026-07-09',
      });
      const selfie = application.documents.find((d: { kind: string }) => d.kind === 'selfie');
      expect(selfie.checks.map((c: { stage: string; outcome: string }) => [c.stage, c.outcome])).toEqual([
        ['normalize', 'pass'],
        ['liveness', 'pass'],
        ['selfie', 'pass'],
        ['face', 'pass'],
      ]);
      expect(selfie.checks[3].details).toMatchObject({ band: 'approve', portraitDocumentId: upload.body.documentId });

      // The face crops are kept encrypted, for reviewers only.
      const crop = await fetch(`${t.url}/v1/documents/${upload.body.documentId}/artifacts/portrait`, {
        headers: { authorization: `Bearer ${t.keys.reviewer}` },
      });
      expect(crop.status).toBe(200);
      expect(crop.headers.get('content-type')).toBe('image/png');
      expect((await sharp(Buffer.from(await crop.arrayBuffer())).metadata()).width).toBe(150);
      expect((await t.api('GET', `/v1/documents/${upload.body.documentId}/artifacts/portrait`)).status).toBe(403);
      expect(
        (await t.api('GET', `/v1/documents/${selfie.id}/artifacts/portrait`, { key: t.keys.reviewer })).status,
      ).toBe(404);
      expect(document.checks[0].durationMs).toEqual(expect.any(Number));
      expect(document.checks[0].details.pages[0]).toMatchObject({ width: 1572, height: 1135, source: 'jpeg' });
      expect(application.history.map((h: { to: string }) => h.to)).toEqual(['draft', 'processing', 'approved']);

      const status = await t.api('GET', upload.body.statusUrl);
      expect(status.body).toMatchObject({
        id: upload.body.documentId,
        status: 'processed',
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(status.body.runs).toMatchObject([{ attempt: 1, status: 'succeeded' }]);

      const { prisma } = t.service.runtime.db;
      const audit = await prisma.auditEvent.findMany({
        where: { entityId: { in: [applicationId, upload.body.documentId] } },
      });
      expect(audit.map((a) => a.action).sort()).toEqual(
        [
          'application.created',
          'application.status_changed',
          'application.status_changed',
          'document.artifact_viewed',
          'document.processed',
          'document.uploaded',
        ].sort(),
      );
      const notifications = await prisma.notification.findMany({
        where: { applicationId },
        orderBy: { createdAt: 'asc' },
      });
      expect(notifications.filter((n) => n.type === 'document_received')).toHaveLength(3);
      expect(
        notifications.filter((n) => n.type === 'status_changed').map((n) => (n.payload as { to: string }).to),
      ).toEqual(['processing']);
      expect(
        notifications.filter((n) => n.type === 'result_ready').map((n) => (n.payload as { to: string }).to),
      ).toEqual(['approved']);
    });

    it('honours EXIF orientation and reads every page of a PDF scan, and asks for what is missing', async () => {
      const applicationId = await createApplication(t);
      const rotated = await t.api('POST', `/v1/applications/${applicationId}/documents`, {
        body: uploadForm('passport', files.golden('passport-rot90_exif-mda/passport.jpg'), 'rotated.jpg'),
      });
      const pdf = await t.api('POST', `/v1/applications/${applicationId}/documents`, {
        body: uploadForm(
          'residence_permit',
          files.golden('permit-pdf2-tur/residence_permit.pdf'),
          'permit.pdf',
          'application/pdf',
        ),
      });
      expect([rotated.status, pdf.status]).toEqual([202, 202]);
      expect(pdf.body.contentType).toBe('application/pdf');
      const application = await settled(t, applicationId, 'clarification_required');
      expect(
        application.missingDocuments.map((d: { kind: string; reasonCode: string }) => [d.kind, d.reasonCode]),
      ).toEqual([
        ['migration_card', 'document_missing'],
        ['selfie', 'document_missing'],
      ]);
      const byKind = Object.fromEntries(application.documents.map((d: { kind: string }) => [d.kind, d]));
      // Stored turned with EXIF orientation 6; normalised upright.
      expect(byKind.passport.checks[0].details.pages[0]).toMatchObject({ orientation: 6, width: 1572, height: 1135 });
      expect(byKind.residence_permit.pageCount).toBe(2);
      expect(byKind.residence_permit.checks[0].details.pages).toMatchObject([
        { index: 0, source: 'pdf-jpeg', width: 1107, height: 734 },
        { index: 1, source: 'pdf-jpeg', width: 1107, height: 734 },
      ]);
      expect(byKind.residence_permit.checks[1]).toMatchObject({ stage: 'quality', outcome: 'pass' });
    });

    it('asks for a document again when its pages hold no scan, and goes back to processing on re-upload', async () => {
      // Its own applicant: the first test's passport is on another account already.
      const applicationId = await createApplication(t, goldenProfile('valid-kgz'));
      const bad = await t.api('POST', `/v1/applications/${applicationId}/documents`, {
        body: uploadForm('passport', await files.pdf([{}]), 'text-only.pdf'),
      });
      expect(bad.status).toBe(202);
      const asked = await settled(t, applicationId, 'clarification_required');
      const passport = asked.missingDocuments.find((d: { kind: string }) => d.kind === 'passport');
      expect(passport).toMatchObject({ documentId: bad.body.documentId, reasonCode: 'pdf_page_without_image' });
      expect(passport.messageRu).toContain('Страница 1');
      // Due CLARIFICATION_DAYS (15) after the rules' date (the test clock).
      expect(asked.clarificationDueAt).toBe(
        new Date(Date.parse(t.environment.env.CLOCK!) + 15 * 86_400_000).toISOString(),
      );

      await uploadGoldenSet(t, applicationId, 'valid-kgz');
      const reviewed = await settled(t, applicationId, 'approved');
      expect(reviewed.missingDocuments).toEqual([]);
      expect(reviewed.clarificationDueAt).toBeNull();
      expect(reviewed.documents.map((d: { kind: string; current: boolean }) => [d.kind, d.current])).toEqual([
        ['passport', false],
        ['passport', true],
        ['migration_card', true],
        ['selfie', true],
      ]);
      expect(reviewed.history.map((h: { to: string }) => h.to)).toEqual([
        'draft',
        'processing',
        'clarification_required',
        'processing',
        'approved',
      ]);
    });

    it('lists the applications of an account', async () => {
      const applicationId = await createApplication(t);
      const { body: application } = await t.api('GET', `/v1/applications/${applicationId}`);
      const second = await t.api('POST', '/v1/applications', {
        json: { serviceType: 'inn', accountId: application.accountId },
      });
      expect(second.status).toBe(201);
      const list = await t.api('GET', `/v1/accounts/${application.accountId}/applications`);
      expect(list.body.applications.map((a: { id: string }) => a.id).sort()).toEqual(
        [applicationId, second.body.id].sort(),
      );
    });
  });
