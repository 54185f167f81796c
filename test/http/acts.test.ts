// The act of verification end to end: a decided application's PDF, its text
// read back with pdf.js, its QR code painted and decoded, the URL in it asked
// without a key; forged, tampered and expired tokens refused. Signatures are
// recomputed here with createHmac under a key derived with hkdfSync.
import { createHmac, hkdfSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../db/api-keys.ts';
import { createOrganization } from '../../db/organizations.ts';
import { pdfQrCodes, pdfText } from '../helpers/pdf.ts';
import {
  createApplication,
  goldenProfile,
  startTestService,
  uploadGoldenSet,
  waitFor,
  type TestService,
} from '../helpers/service.ts';

const PUBLIC_URL = 'https://docverify.example.gov';

describe('act of verification', () => {
  let t: TestService;
  let approvedId: string;
  let reviewedId: string;
  let actKey: Buffer;

  const statusOf = async (id: string) => (await t.api('GET', `/v1/applications/${id}`)).body.status as string;
  const pdf = async (id: string, key?: string) => {
    const response = await fetch(`${t.url}/v1/applications/${id}/act.pdf`, {
      headers: { authorization: `Bearer ${key ?? t.keys.portal}` },
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      bytes: new Uint8Array(await response.arrayBuffer()),
    };
  };
  const verify = async (token: string) => {
    const response = await fetch(`${t.url}/v1/acts/${token}`);
    return { status: response.status, body: await response.json() };
  };
  const sign = (payload: object) => {
    const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${encoded}.${createHmac('sha256', actKey).update(encoded).digest('base64url')}`;
  };

  beforeAll(async () => {
    t = await startTestService({ db: 'pglite', queue: 'memory' }, { PUBLIC_URL });
    const storageKey = Buffer.from(
      fs.readFileSync(path.join(t.environment.config.dataDir, 'storage.key'), 'utf8'),
      'base64',
    );
    actKey = Buffer.from(hkdfSync('sha256', storageKey, Buffer.alloc(0), 'docverify act token v1', 32));
    approvedId = await createApplication(t, goldenProfile('valid-tjk'));
    reviewedId = await createApplication(t, goldenProfile('translit-probable'));
    await uploadGoldenSet(t, approvedId, 'valid-tjk');
    await uploadGoldenSet(t, reviewedId, 'translit-probable');
    await waitFor(
      async () => (await statusOf(approvedId)) === 'approved' && (await statusOf(reviewedId)) === 'under_review',
      90_000,
    );
  });
  afterAll(() => t?.stop());

  it('exists only once the application is decided', async () => {
    const early = await t.api('GET', `/v1/applications/${reviewedId}/act.pdf`);
    expect([early.status, early.body.error.code]).toEqual([409, 'application_not_decided']);
  });

  it('lists the applicant, the documents, each check and the decision, and its QR code leads to a genuine, current act', async () => {
    const act = await pdf(approvedId);
    expect([act.status, act.type]).toEqual([200, 'application/pdf']);
    const text = (await pdfText(act.bytes)).join('\n');
    const profile = goldenProfile('valid-tjk');
    expect(text).toContain(profile.surnameLatin);
    expect(text).toContain('Электронный акт проверки документов');
    expect(text).toContain(approvedId);
    for (const words of [
      'Паспорт',
      'Миграционная карта',
      'Фотография заявителя',
      'Машиночитаемая зона (MRZ): пройдена',
      'Сравнение лица с фотографией документа: пройдена',
      'Одобрено',
      'автоматически',
    ]) {
      expect(text).toContain(words);
    }

    const codes = await pdfQrCodes(act.bytes);
    expect(codes).toHaveLength(1);
    const url = new URL(codes[0]!.text);
    expect(url.origin).toBe(PUBLIC_URL);
    const token = url.pathname.replace('/v1/acts/', '');
    const [payload, signature] = token.split('.');
    expect(signature).toBe(createHmac('sha256', actKey).update(payload!).digest('base64url'));
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    expect(claims.a).toBe(approvedId);

    const answer = await verify(token);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      genuine: true,
      current: true,
      applicationId: approvedId,
      status: 'approved',
      statusLabel: 'Одобрено',
    });
    // The minimum of personal data: a masked name, no date of birth, no document number.
    expect(answer.body.applicant).toMatch(/^\S\*{3,} \S\.$/);
    const body = JSON.stringify(answer.body);
    expect(body).not.toContain(profile.surnameLatin);
    expect(body).not.toContain(profile.dateOfBirth);
  });

  it('refuses forged, tampered and expired tokens, and says when an act was superseded', async () => {
    const codes = await pdfQrCodes((await pdf(approvedId)).bytes);
    const token = new URL(codes[0]!.text).pathname.replace('/v1/acts/', '');
    const [payload, signature] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());

    // Another application's id under the old signature; a flipped signature character; the wrong key.
    const swapped = Buffer.from(JSON.stringify({ ...claims, a: reviewedId })).toString('base64url');
    const flipped = signature.slice(0, -2) + (signature.at(-2) === 'A' ? 'B' : 'A') + signature.at(-1);
    const wrongKey = `${payload}.${createHmac('sha256', Buffer.alloc(32, 7)).update(payload).digest('base64url')}`;
    for (const forged of [`${swapped}.${signature}`, `${payload}.${flipped}`, wrongKey, 'not-a-token']) {
      const answer = await verify(forged);
      expect([answer.status, answer.body.error.code]).toEqual([404, 'act_token_invalid']);
    }
    // The service judges by its clock (the golden corpus date here).
    const expired = await verify(sign({ ...claims, e: Math.floor(t.environment.config.now().getTime() / 1000) - 60 }));
    expect([expired.status, expired.body.error.code]).toEqual([410, 'act_token_expired']);

    // A genuine token for a decision that is no longer the application's.
    const other = await verify(sign({ ...claims, d: claims.d - 60_000 }));
    expect(other.body).toMatchObject({ genuine: true, current: false });
  });

  it('names the reviewer who decided, and is shown only within the organisation', async () => {
    const { prisma } = t.service.runtime.db;
    expect((await t.api('POST', `/v1/applications/${reviewedId}/review/claim`, { key: t.keys.reviewer })).status).toBe(
      200,
    );
    const decided = await t.api('POST', `/v1/applications/${reviewedId}/review/decision`, {
      key: t.keys.reviewer,
      json: {
        decision: 'reject',
        comment: 'фамилия в профиле не совпадает с паспортом',
        reasonCodes: ['profile_name_mismatch'],
      },
    });
    expect(decided.status).toBe(200);
    const act = await pdf(reviewedId, t.keys.reviewer);
    expect(act.status).toBe(200);
    const text = (await pdfText(act.bytes)).join('\n');
    expect(text).toContain('Отклонено');
    expect(text).toContain('сотрудник test reviewer');
    expect(text).toContain('фамилия в профиле не совпадает с паспортом');

    const other = await createOrganization(prisma, 'another portal');
    const outsider = (await createApiKey(prisma, { role: 'portal', name: 'outsider', organizationId: other.id })).key;
    const refused = await pdf(reviewedId, outsider);
    expect(refused.status).toBe(404);
  });
});
