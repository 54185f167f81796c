// The photo with the document in hand over the API (PostgreSQL, BullMQ): the
// golden applicant holding another passport of theirs is sent to a reviewer
// with the reason, and the check shows where the faces are, never their
// descriptors.
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as files from '../helpers/files.ts';
import {
  createApplication,
  goldenProfile,
  startTestService,
  uploadForm,
  waitFor,
  type TestService,
} from '../helpers/service.ts';
import { describeWithServers } from '../helpers/servers.ts';

describeWithServers(['postgres', 'redis'], 'selfie with the document (postgres + bullmq)', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ db: 'postgres', queue: 'bullmq' });
  });
  afterAll(() => t?.stop());

  it('sends a photo holding another passport to review, naming both numbers, with no face template in the answer', async () => {
    const applicationId = await createApplication(t, goldenProfile('held-other-passport'));
    // The case's files as the generator wrote them (companions live in other cases' folders).
    const { documents } = JSON.parse(files.golden('held-other-passport/expected.json').toString('utf8')) as {
      documents: { kind: string; file: string; fields?: Record<string, string> }[];
    };
    expect(documents.map((d) => d.kind)).toEqual(['passport', 'migration_card', 'selfie', 'selfie_with_document']);
    for (const { kind, file } of documents) {
      const upload = await t.api('POST', `/v1/applications/${applicationId}/documents`, {
        body: uploadForm(kind, files.golden(file), file.split('/').pop()!, 'image/jpeg'),
      });
      expect(upload.status).toBe(202);
    }
    const application = await waitFor(
      async () => {
        const { body } = await t.api('GET', `/v1/applications/${applicationId}`);
        return body.status !== 'processing' && body;
      },
      120_000,
      'the verdict',
    );
    expect({ status: application.status, reasons: application.reasons.map((r: { code: string }) => r.code) }).toEqual({
      status: 'under_review',
      reasons: ['held_document_not_uploaded'],
    });
    const [heldNumber, passportNumber] = ['selfie_with_document', 'passport'].map(
      (kind) => documents.find((d) => d.kind === kind)!.fields!.documentNumber!,
    );
    expect(heldNumber).not.toBe(passportNumber);
    expect(application.reasons[0].message).toContain(heldNumber);
    expect(application.reasons[0].message).toContain(passportNumber);
    const held = application.documents.find((d: { kind: string }) => d.kind === 'selfie_with_document');
    expect(held.checks.map((c: { stage: string; outcome: string }) => [c.stage, c.outcome])).toEqual([
      ['normalize', 'pass'],
      ['held_document', 'pass'],
    ]);
    const details = held.checks[1].details;
    expect(details).toMatchObject({ band: 'approve', mrz: { valid: true } });
    expect(details.applicant.box).toHaveLength(4);
    expect(details.portrait.box).toHaveLength(4);
    expect(JSON.stringify(application)).not.toMatch(/descriptor/);
  }, 180_000);
});
