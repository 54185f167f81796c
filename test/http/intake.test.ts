// Every intake rejection over real HTTP, with its status and reason code, on
// an embedded and a server-backed service; nothing refused is stored.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as files from '../helpers/files.ts';
import { rawUpload } from '../helpers/raw-upload.ts';
import {
  createApplication,
  driverName,
  serversOf,
  startTestService,
  uploadForm,
  type Drivers,
  type TestService,
} from '../helpers/service.ts';
import { describeWithServers } from '../helpers/servers.ts';

const MB = 1024 * 1024;

for (const drivers of [
  { db: 'pglite', queue: 'memory' },
  { db: 'postgres', queue: 'bullmq' },
] as Drivers[])
  describeWithServers(serversOf(drivers), `intake over HTTP (${driverName(drivers)})`, () => {
    let t: TestService;
    let applicationId: string;

    beforeAll(async () => {
      t = await startTestService(drivers, { MAX_PDF_PAGES: '3', MAX_PIXELS: '40000000' });
      applicationId = await createApplication(t);
    });
    afterAll(() => t?.stop());

    const upload = (file: Buffer, filename: string, kind = 'passport') =>
      t.api('POST', `/v1/applications/${applicationId}/documents`, { body: uploadForm(kind, file, filename) });

    const cases: {
      name: string;
      file: () => Promise<Buffer> | Buffer;
      filename: string;
      status: number;
      code: string;
    }[] = [
      {
        name: 'a GIF named .jpg',
        file: () => files.gif(),
        filename: 'scan.jpg',
        status: 415,
        code: 'unsupported_file_type',
      },
      {
        name: 'a BMP named .jpg',
        file: () => files.bmp(),
        filename: 'scan.jpg',
        status: 415,
        code: 'unsupported_file_type',
      },
      {
        name: 'plain text named .pdf',
        file: () => Buffer.from('just some text\n'),
        filename: 'a.pdf',
        status: 415,
        code: 'unsupported_file_type',
      },
      { name: 'an empty file', file: () => Buffer.alloc(0), filename: 'empty.jpg', status: 400, code: 'file_empty' },
      {
        name: 'a truncated JPEG',
        file: async () => files.truncated(await files.jpeg(800, 600)),
        filename: 't.jpg',
        status: 422,
        code: 'file_truncated',
      },
      {
        name: 'a truncated PNG',
        file: async () => files.truncated(await files.png(400, 300)),
        filename: 't.png',
        status: 422,
        code: 'file_truncated',
      },
      {
        name: 'a JPEG header over garbage',
        file: () =>
          Buffer.concat([
            Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
            Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1'),
            Buffer.alloc(2000, 0x41),
          ]),
        filename: 'g.jpg',
        status: 422,
        code: 'file_corrupt',
      },
      {
        name: 'a decompression bomb',
        file: () => files.pngBomb(),
        filename: 'bomb.png',
        status: 422,
        code: 'pixel_limit_exceeded',
      },
      {
        name: 'an encrypted PDF',
        file: () => files.encryptedPdf(),
        filename: 'e.pdf',
        status: 422,
        code: 'pdf_encrypted',
      },
      {
        name: 'a PDF without pages',
        file: () => files.pdf([]),
        filename: 'none.pdf',
        status: 422,
        code: 'pdf_no_pages',
      },
      {
        name: 'a PDF with too many pages',
        file: () => files.pdf([{}, {}, {}, {}]),
        filename: 'many.pdf',
        status: 422,
        code: 'pdf_too_many_pages',
      },
      {
        name: 'a truncated PDF',
        file: async () => files.truncated(await files.pdf([{}])),
        filename: 'cut.pdf',
        status: 422,
        code: 'file_truncated',
      },
    ];

    it.each(cases)('refuses $name with $status $code', async ({ file, filename, status, code }) => {
      const response = await upload(await file(), filename);
      expect(response.status).toBe(status);
      expect(response.body.error.code).toBe(code);
      expect(response.body.error.message).toEqual(expect.any(String));
      expect(response.body.error.messageRu).toEqual(expect.any(String));
    });

    it('names the detected type when refusing a disguised file', async () => {
      const response = await upload(await files.gif(), 'photo.jpg');
      expect(response.body.error.message).toContain('GIF image');
      expect(response.body.error.field).toBe('file');
    });

    it('refuses more than 5 MB while streaming, without a declared length', async () => {
      const response = await rawUpload(t.url, t.keys.portal, applicationId, Buffer.alloc(6 * MB, 0x20), {
        declareLength: false,
      });
      expect(response.status).toBe(413);
      expect(response.body.error.code).toBe('file_too_large');
    });

    it('refuses a declared length over 5 MB before reading the body', async () => {
      const response = await rawUpload(t.url, t.keys.portal, applicationId, Buffer.alloc(7 * MB, 0x20), {
        declareLength: true,
      });
      expect(response.status).toBe(413);
      expect(response.body.error.code).toBe('file_too_large');
    });

    it('refuses a request without a file, or with an unknown kind', async () => {
      const form = new FormData();
      form.set('kind', 'passport');
      const noFile = await t.api('POST', `/v1/applications/${applicationId}/documents`, { body: form });
      expect([noFile.status, noFile.body.error.code]).toEqual([400, 'file_missing']);
      const badKind = await upload(await files.jpeg(), 'a.jpg', 'driving_licence');
      expect([badKind.status, badKind.body.error.code, badKind.body.error.field]).toEqual([
        400,
        'validation_failed',
        'kind',
      ]);
    });

    it('answers 404 for an unknown application', async () => {
      const response = await t.api('POST', '/v1/applications/00000000-0000-4000-8000-000000000000/documents', {
        body: uploadForm('passport', await files.jpeg(), 'a.jpg'),
      });
      expect([response.status, response.body.error.code]).toEqual([404, 'not_found']);
    });

    it('stores nothing that was refused', async () => {
      const { prisma } = t.service.runtime.db;
      expect(await prisma.document.count({ where: { applicationId } })).toBe(0);
      const blobs = t.environment.config.storage.dir;
      const stored = fs.existsSync(blobs)
        ? fs.readdirSync(blobs, { recursive: true }).filter((f) => fs.statSync(path.join(blobs, String(f))).isFile())
        : [];
      expect(stored).toEqual([]);
    });

    it('accepts a PNG named .pdf as a PNG, and a 5 MB JPEG at the limit', async () => {
      const asPdf = await upload(await files.png(), 'scan.pdf');
      expect(asPdf.status).toBe(202);
      expect(asPdf.body.contentType).toBe('image/png');
      const big = await files.noisyJpeg(4.8 * MB);
      expect(big.length).toBeLessThanOrEqual(5 * MB);
      const atLimit = await upload(big, 'big.jpg');
      expect(atLimit.status).toBe(202);
    });
  });
