// `docverify serve` on embedded defaults, as `npm start` runs it: data survives
// a restart, an upload accepted before a crash is still processed, and a
// second process is refused the data directory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as files from '../helpers/files.ts';
import { runCli, type CliProcess } from '../helpers/process.ts';
import { APPLICANT, uploadForm, waitFor } from '../helpers/service.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dv-embedded-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
const env = { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', REDIS_URL: '' };

async function serve(extra: Record<string, string> = {}): Promise<{ cli: CliProcess; url: string }> {
  const cli = runCli(['serve'], { ...env, ...extra });
  const [, url] = await cli.waitForOutput(/listening on (http:\/\/\S+)/, 60_000);
  return { cli, url: url! };
}

describe('embedded service across restarts', () => {
  let key = '';
  let applicationId = '';
  let documentId = '';
  const call = async (url: string, route: string, init: RequestInit = {}) => {
    const response = await fetch(`${url}${route}`, {
      ...init,
      headers: { authorization: `Bearer ${key}`, ...init.headers },
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('prints a development key on first start and accepts an upload with it', async () => {
    // The operator loads the registries first (here: the golden set's files).
    const load = runCli(['registry', 'import-all', 'fixtures/golden/registries'], env);
    expect(await load.exited).toBe(0);
    expect(load.output()).toMatch(/tax_numbers: imported \d+ rows/);
    const { cli, url } = await serve();
    try {
      key = (await cli.waitForOutput(/(dv_portal_\S+)/))[1]!;
      const created = await call(url, '/v1/applications', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ serviceType: 'registration_at_stay', applicant: APPLICANT }),
      });
      applicationId = created.body.id;
      const upload = await call(url, `/v1/applications/${applicationId}/documents`, {
        method: 'POST',
        body: uploadForm('passport', files.golden('valid-kaz/passport.jpg'), 'passport.jpg'),
      });
      expect(upload.status).toBe(202);
      documentId = upload.body.documentId;
      // Only the passport is there yet: the application asks for the rest.
      await waitFor(
        async () => (await call(url, `/v1/applications/${applicationId}`)).body.status === 'clarification_required',
        120_000,
        'the verdict',
      );

      const second = runCli(['serve'], env);
      expect(await second.exited).toBe(1);
      expect(second.output()).toMatch(/in use by process \d+/);
    } finally {
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
    }
    // A cold start loads the OCR and face models in every pool thread; a loaded CI machine takes its time.
  }, 180_000);

  it('keeps the data and the key after a restart, and prints no new key', async () => {
    const { cli, url } = await serve();
    try {
      const application = await call(url, `/v1/applications/${applicationId}`);
      expect(application.status).toBe(200);
      expect(application.body.status).toBe('clarification_required');
      expect(application.body.documents[0].id).toBe(documentId);
      expect(application.body.documents[0].checks[0]).toMatchObject({ stage: 'normalize', outcome: 'pass' });
      expect(cli.output()).not.toContain('dv_portal_');
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  });

  it('finishes an upload that was accepted when the process was killed', async () => {
    // Slow stages so the process dies with the job in flight.
    const first = await serve({ FAULT_STAGE_DELAY_MS: '20000' });
    const upload = await call(first.url, `/v1/applications/${applicationId}/documents`, {
      method: 'POST',
      body: uploadForm('selfie', await files.jpeg(480, 640), 'selfie.jpg'),
    });
    expect(upload.status).toBe(202);
    first.cli.child.kill('SIGKILL');
    await first.cli.exited;

    const second = await serve();
    try {
      const selfie = await waitFor(async () => {
        const document = await call(second.url, `/v1/documents/${upload.body.documentId}`);
        return document.body.status === 'processed' ? document.body : undefined;
      }, 30_000);
      expect(selfie.checks[0]).toMatchObject({ stage: 'normalize', outcome: 'pass' });
      expect(selfie.runs.at(-1).status).toBe('succeeded');
    } finally {
      second.cli.child.kill('SIGTERM');
      await second.cli.exited;
    }
  });
});
