// A hostile corpus, built here from code: every request is refused with its
// own 4xx and reason code, never a 500, and the server stays up throughout.
import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as files from '../helpers/files.ts';
import { APPLICANT, createApplication, startTestService, uploadForm, type TestService } from '../helpers/service.ts';
import { describeWithServers } from '../helpers/servers.ts';

type Sent = { status: number; body: any; headers: http.IncomingHttpHeaders };

/** Any request, byte for byte as given. */
function send(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string | number>,
  body?: Buffer | string,
): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${url}${path}`, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: unknown;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = text;
        }
        resolve({ status: response.statusCode ?? 0, body: parsed, headers: response.headers });
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

const BOUNDARY = 'hostile-boundary';
/** A multipart body from parts written by hand (names, file names and headers exactly as given). */
function multipart(parts: { name: string; filename?: string; data: Buffer | string }[], close = true): Buffer {
  const chunks = parts.flatMap((part) => [
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"${part.filename !== undefined ? `; filename="${part.filename}"` : ''}\r\n${part.filename !== undefined ? 'Content-Type: application/octet-stream\r\n' : ''}\r\n`,
      'latin1',
    ),
    Buffer.isBuffer(part.data) ? part.data : Buffer.from(part.data, 'latin1'),
    Buffer.from('\r\n'),
  ]);
  return Buffer.concat([...chunks, Buffer.from(close ? `--${BOUNDARY}--\r\n` : '')]);
}

/** Page tree whose Kids contain the tree itself. */
const cyclicPdf = () =>
  files.rawPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
  ]);

/** Ten pages, each one 7071×7071 deflated image of a few bytes: 500 megapixels in a small file. */
function pixelBombPdf(pages = 10, side = 7071): Buffer {
  const stream = zlib.deflateSync(Buffer.alloc(1000));
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${Array.from({ length: pages }, (_, i) => `${3 + i * 2} 0 R`).join(' ')}] /Count ${pages} >>`,
  ];
  for (let i = 0; i < pages; i++) {
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 ${4 + i * 2} 0 R >> >> >>`,
    );
    objects.push(
      `<< /Type /XObject /Subtype /Image /Width ${side} /Height ${side} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /Length ${stream.length} >>\nstream\n${stream.toString('latin1')}\nendstream`,
    );
  }
  return files.rawPdf(objects);
}

/** A page plus thousands of unused objects. */
const manyObjectsPdf = (count = 6000) =>
  files.rawPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
    ...Array.from({ length: count }, (_, i) => `${i}`),
  ]);

const deeplyNestedPdf = (depth = 50_000) =>
  files.rawPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /X ${'['.repeat(depth)}${']'.repeat(depth)} >>`,
  ]);

const pagelessPdf = () => files.rawPdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [] /Count 0 >>']);

interface HostileCase {
  name: string;
  status: number;
  code: string;
  request(t: TestService, ctx: { applicationId: string; accountId: string; documentId: string }): Promise<Sent>;
}

describeWithServers(['postgres', 'redis'], 'a hostile corpus over HTTP (PostgreSQL + BullMQ)', () => {
  let t: TestService;
  const ctx = { applicationId: '', accountId: '', documentId: '' };
  const json = (method: string, path: string, body: unknown, key?: string) => (tt: TestService) =>
    send(
      tt.url,
      method,
      path,
      { authorization: `Bearer ${key ?? tt.keys.portal}`, 'content-type': 'application/json' },
      typeof body === 'string' ? body : JSON.stringify(body),
    );
  const get =
    (path: (c: typeof ctx) => string, key: (tt: TestService) => string = (tt) => tt.keys.portal) =>
    (tt: TestService, c: typeof ctx) =>
      send(tt.url, 'GET', path(c), { authorization: `Bearer ${key(tt)}` });
  const uploadRaw =
    (body: Buffer | (() => Buffer | Promise<Buffer>), contentType = `multipart/form-data; boundary=${BOUNDARY}`) =>
    async (tt: TestService, c: typeof ctx) => {
      const bytes = typeof body === 'function' ? await body() : body;
      return send(
        tt.url,
        'POST',
        `/v1/applications/${c.applicationId}/documents`,
        { authorization: `Bearer ${tt.keys.portal}`, 'content-type': contentType, 'content-length': bytes.length },
        bytes,
      );
    };
  const uploadFile = (file: () => Buffer | Promise<Buffer>, filename = 'scan.jpg', kind = 'passport') =>
    uploadRaw(async () =>
      multipart([
        { name: 'kind', data: kind },
        { name: 'file', filename, data: await file() },
      ]),
    );
  const applicant = (changes: Record<string, unknown>) => ({
    serviceType: 'registration_at_stay',
    applicant: { ...APPLICANT, ...changes },
  });

  const CASES: HostileCase[] = [
    // Files
    { name: 'a GIF named .jpg', status: 415, code: 'unsupported_file_type', request: uploadFile(() => files.gif()) },
    {
      name: 'a BMP named .png',
      status: 415,
      code: 'unsupported_file_type',
      request: uploadFile(() => files.bmp(), 'a.png'),
    },
    {
      name: 'an HTML page named .pdf',
      status: 415,
      code: 'unsupported_file_type',
      request: uploadFile(() => Buffer.from('<html><script>alert(1)</script></html>'), 'a.pdf'),
    },
    { name: 'an empty file', status: 400, code: 'file_empty', request: uploadFile(() => Buffer.alloc(0)) },
    {
      name: 'a truncated JPEG',
      status: 422,
      code: 'file_truncated',
      request: uploadFile(async () => files.truncated(await files.jpeg(800, 600))),
    },
    {
      name: 'a JPEG header over garbage',
      status: 422,
      code: 'file_corrupt',
      request: uploadFile(() =>
        Buffer.concat([
          Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]),
          Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1'),
          Buffer.alloc(3000, 0x41),
        ]),
      ),
    },
    {
      name: 'a PNG decompression bomb',
      status: 422,
      code: 'pixel_limit_exceeded',
      request: uploadFile(() => files.pngBomb(), 'bomb.png'),
    },
    {
      name: 'a PDF with a cyclic page tree',
      status: 422,
      code: 'pdf_too_complex',
      request: uploadFile(cyclicPdf, 'cyclic.pdf'),
    },
    {
      name: 'a PDF of ten 7071×7071 page images',
      status: 422,
      code: 'pixel_limit_exceeded',
      request: uploadFile(() => pixelBombPdf(), 'pages.pdf'),
    },
    {
      name: 'a PDF of 6000 objects',
      status: 422,
      code: 'pdf_too_complex',
      request: uploadFile(() => manyObjectsPdf(), 'objects.pdf'),
    },
    {
      name: 'a PDF whose only page nests 50 000 deep (unparseable, so no pages)',
      status: 422,
      code: 'pdf_no_pages',
      request: uploadFile(() => deeplyNestedPdf(), 'nested.pdf'),
    },
    {
      name: 'an encrypted PDF',
      status: 422,
      code: 'pdf_encrypted',
      request: uploadFile(() => files.encryptedPdf(), 'locked.pdf'),
    },
    {
      name: 'a PDF without its end',
      status: 422,
      code: 'file_truncated',
      request: uploadFile(() => Buffer.from('%PDF-1.7\n1 0 obj\n<< >>\nendobj\n'), 'cut.pdf'),
    },
    { name: 'a PDF with no pages', status: 422, code: 'pdf_no_pages', request: uploadFile(pagelessPdf, 'empty.pdf') },
    {
      name: 'a file over 5 MB',
      status: 413,
      code: 'file_too_large',
      request: uploadFile(() => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(5 * 1024 * 1024 + 10)])),
    },
    // Multipart envelopes
    {
      name: 'a raw NUL byte in the file name',
      status: 400,
      code: 'validation_failed',
      request: uploadFile(() => files.jpeg(), 'scan\u0000.jpg'),
    },
    {
      name: 'a raw line break in the file name',
      status: 400,
      code: 'validation_failed',
      request: uploadFile(() => files.jpeg(), 'scan\r.jpg'),
    },
    {
      name: 'a NUL byte in an RFC 5987 file name',
      status: 400,
      code: 'file_name_invalid',
      request: uploadRaw(async () =>
        Buffer.concat([
          multipart([{ name: 'kind', data: 'passport' }], false),
          Buffer.from(
            `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''scan%00.jpg\r\nContent-Type: image/jpeg\r\n\r\n`,
          ),
          await files.jpeg(),
          Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
        ]),
      ),
    },
    {
      name: 'a 300-character file name',
      status: 400,
      code: 'file_name_invalid',
      request: uploadFile(() => files.jpeg(), `${'a'.repeat(296)}.jpg`),
    },
    {
      name: 'no file part',
      status: 400,
      code: 'file_missing',
      request: uploadRaw(multipart([{ name: 'kind', data: 'passport' }])),
    },
    {
      name: 'two file parts',
      status: 400,
      code: 'too_many_files',
      request: uploadRaw(async () =>
        multipart([
          { name: 'kind', data: 'passport' },
          { name: 'file', filename: 'a.jpg', data: await files.jpeg() },
          { name: 'file', filename: 'b.jpg', data: await files.jpeg() },
        ]),
      ),
    },
    {
      name: 'a file under another field name',
      status: 400,
      code: 'validation_failed',
      request: uploadRaw(async () =>
        multipart([
          { name: 'kind', data: 'passport' },
          { name: 'scan', filename: 'a.jpg', data: await files.jpeg() },
        ]),
      ),
    },
    {
      name: 'an unknown document kind',
      status: 400,
      code: 'validation_failed',
      request: uploadFile(() => files.jpeg(), 'a.jpg', 'driving_licence'),
    },
    {
      name: 'a multipart body cut before its end',
      status: 400,
      code: 'validation_failed',
      request: uploadRaw(async () =>
        multipart(
          [
            { name: 'kind', data: 'passport' },
            { name: 'file', filename: 'a.jpg', data: await files.jpeg() },
          ],
          false,
        ),
      ),
    },
    {
      name: 'a malformed part header',
      status: 400,
      code: 'validation_failed',
      request: uploadRaw(Buffer.from(`--${BOUNDARY}\r\nthis is not a header\r\n\r\ndata\r\n--${BOUNDARY}--\r\n`)),
    },
    {
      name: 'a multipart type without a boundary',
      status: 400,
      code: 'validation_failed',
      request: uploadRaw(Buffer.from('whatever'), 'multipart/form-data'),
    },
    {
      name: 'a JSON body where a file is expected',
      status: 400,
      code: 'file_missing',
      request: uploadRaw(Buffer.from('{"kind":"passport"}'), 'application/json'),
    },
    {
      name: 'an upload to a malformed application id',
      status: 400,
      code: 'validation_failed',
      request: (tt) =>
        send(tt.url, 'POST', '/v1/applications/..%2F..%2Fetc/documents', { authorization: `Bearer ${tt.keys.portal}` }),
    },
    {
      name: 'an upload to an unknown application',
      status: 404,
      code: 'not_found',
      request: async (tt) => {
        const body = multipart([
          { name: 'kind', data: 'passport' },
          { name: 'file', filename: 'a.jpg', data: await files.jpeg() },
        ]);
        return send(
          tt.url,
          'POST',
          '/v1/applications/00000000-0000-4000-8000-00000000dead/documents',
          { authorization: `Bearer ${tt.keys.portal}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
          body,
        );
      },
    },
    // JSON
    {
      name: 'a body that is not JSON',
      status: 400,
      code: 'validation_failed',
      request: json('POST', '/v1/applications', '{"serviceType": '),
    },
    {
      name: 'a JSON body over 64 KB',
      status: 413,
      code: 'body_too_large',
      request: json('POST', '/v1/applications', applicant({ email: `${'a'.repeat(70_000)}@example.org` })),
    },
    {
      name: 'a JSON array',
      status: 400,
      code: 'validation_failed',
      request: json('POST', '/v1/applications', [1, 2, 3]),
    },
    {
      name: 'a __proto__ key',
      status: 400,
      code: 'validation_failed',
      request: json('POST', '/v1/applications', '{"serviceType":"inn","__proto__":{"admin":true},"applicant":{}}'),
    },
    {
      name: 'an impossible date (2023-02-30)',
      status: 400,
      code: 'validation_failed',
      request: json('POST', '/v1/applications', applicant({ dateOfBirth: '2023-02-30' })),
    },
    {
      name: 'an impossible month (1990-13-01)',
      status: 400,
      code: 'validation_failed',
      request: json('POST', '/v1/applications', applicant({ dateOfBirth: '1990-13-01' })),
    },
    {
      name: 'a birth date in the future',
      status: 400,
      code: 'validation_failed',
      request: json('POST', '/v1/applications', applicant({ dateOfBirth: '2999-01-01' })),
    },
    {
      name: 'an unknown country code',
      status: 400,
      code: 'validation_failed',
      request: json('POST', '/v1/applications', applicant({ citizenship: 'XXZ' })),
    },
    {
      name: 'a name with a NUL byte',
      status: 400,
      code: 'validation_failed',
      request: json('POST', '/v1/applications', applicant({ surnameLatin: 'JURA\u0000EV' })),
    },
    {
      name: 'an unknown service',
      status: 400,
      code: 'validation_failed',
      request: json('POST', '/v1/applications', { serviceType: 'citizenship', applicant: APPLICANT }),
    },
    {
      name: 'an unknown account',
      status: 404,
      code: 'not_found',
      request: json('POST', '/v1/applications', {
        serviceType: 'inn',
        accountId: '00000000-0000-4000-8000-00000000beef',
      }),
    },
    {
      name: 'an account id that is not a UUID',
      status: 400,
      code: 'validation_failed',
      request: json('POST', '/v1/applications', { serviceType: 'inn', accountId: "1' OR '1'='1" }),
    },
    {
      name: 'JSON sent as text/plain',
      status: 400,
      code: 'validation_failed',
      request: (tt) =>
        send(
          tt.url,
          'POST',
          '/v1/applications',
          { authorization: `Bearer ${tt.keys.portal}`, 'content-type': 'text/plain' },
          JSON.stringify(applicant({})),
        ),
    },
    {
      name: 'a review decision without a comment',
      status: 400,
      code: 'validation_failed',
      request: (tt, c) =>
        json(
          'POST',
          `/v1/applications/${c.applicationId}/review/decision`,
          { decision: 'approve' },
          tt.keys.reviewer,
        )(tt),
    },
    // Routes, parameters, keys
    {
      name: 'an artifact named __proto__',
      status: 400,
      code: 'validation_failed',
      request: get(
        (c) => `/v1/documents/${c.documentId}/artifacts/__proto__`,
        (tt) => tt.keys.reviewer,
      ),
    },
    {
      name: 'an artifact named constructor',
      status: 400,
      code: 'validation_failed',
      request: get(
        (c) => `/v1/documents/${c.documentId}/artifacts/constructor`,
        (tt) => tt.keys.admin,
      ),
    },
    {
      name: 'a document id that is not a UUID',
      status: 400,
      code: 'validation_failed',
      request: get(() => '/v1/documents/%00'),
    },
    {
      name: 'a bad query value',
      status: 400,
      code: 'validation_failed',
      request: get((c) => `/v1/accounts/${c.accountId}/notifications?unread=maybe`),
    },
    {
      name: 'an unknown delivery status',
      status: 400,
      code: 'validation_failed',
      request: get(
        () => '/v1/webhooks/deliveries?status=__proto__',
        (tt) => tt.keys.admin,
      ),
    },
    { name: 'an unknown route', status: 404, code: 'not_found', request: get(() => '/v1/../../etc/passwd') },
    {
      name: 'no key',
      status: 401,
      code: 'unauthorized',
      request: (tt, c) => send(tt.url, 'GET', `/v1/applications/${c.applicationId}`, {}),
    },
    {
      name: 'a malformed Authorization header',
      status: 401,
      code: 'unauthorized',
      request: (tt, c) =>
        send(tt.url, 'GET', `/v1/applications/${c.applicationId}`, { authorization: 'Basic YWRtaW46YWRtaW4=' }),
    },
    {
      name: 'a revoked-looking key',
      status: 401,
      code: 'unauthorized',
      request: (tt, c) =>
        send(tt.url, 'GET', `/v1/applications/${c.applicationId}`, { authorization: `Bearer ${tt.keys.portal}x` }),
    },
    {
      name: 'erasing an unknown account',
      status: 404,
      code: 'not_found',
      request: (tt) =>
        send(tt.url, 'DELETE', '/v1/accounts/00000000-0000-4000-8000-00000000cafe', {
          authorization: `Bearer ${tt.keys.admin}`,
        }),
    },
  ];

  beforeAll(async () => {
    t = await startTestService({ db: 'postgres', queue: 'bullmq' }, { RUN_WORKERS: '0' });
    ctx.applicationId = await createApplication(t);
    const application = await t.api('GET', `/v1/applications/${ctx.applicationId}`);
    ctx.accountId = application.body.accountId;
    const uploaded = await t.api('POST', `/v1/applications/${ctx.applicationId}/documents`, {
      body: uploadForm('passport', await files.jpeg(), 'ok.jpg', 'image/jpeg'),
    });
    ctx.documentId = uploaded.body.documentId;
  });
  afterAll(() => t?.stop());

  it(`has at least 40 cases (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s → its own 4xx and reason', async (_name, hostile) => {
    const answer = await hostile.request(t, ctx);
    expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({
      status: hostile.status,
      code: hostile.code,
    });
    expect(answer.body.error.message).toEqual(expect.any(String));
    expect(JSON.stringify(answer.body)).not.toMatch(/\bat .+\.ts:\d+/); // no stack trace
    if (answer.status === 401) expect(answer.headers['www-authenticate']).toMatch(/^Bearer/);
    const health = await send(t.url, 'GET', '/health', {});
    expect(health.status).toBe(200);
  });

  it('stored nothing for any refused upload: the one accepted document is the only row and blob', async () => {
    const { prisma } = t.service.runtime.db;
    expect(await prisma.document.count()).toBe(1);
    const blobs = [];
    for await (const blob of t.service.runtime.blobs.list()) blobs.push(blob.key);
    expect(blobs).toEqual([ctx.documentId]);
  });

  it('cuts a request whose body stalls', async () => {
    const stalled = await startTestService(
      { db: 'pglite', queue: 'memory' },
      { RUN_WORKERS: '0', REQUEST_TIMEOUT_MS: '1500', HEADERS_TIMEOUT_MS: '1000' },
    );
    try {
      const { port } = new URL(stalled.url);
      const closedAfter = await new Promise<number>((resolve) => {
        const started = Date.now();
        const socket = net.connect(Number(port), '127.0.0.1', () => {
          socket.write(
            `POST /v1/applications HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${stalled.keys.portal}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"serviceType":`,
          );
        });
        socket.on('data', () => {});
        socket.on('close', () => resolve(Date.now() - started));
        socket.on('error', () => {});
      });
      expect(closedAfter).toBeLessThan(10_000);
      expect((await send(stalled.url, 'GET', '/health', {})).status).toBe(200);
    } finally {
      await stalled.stop();
    }
  });
});
