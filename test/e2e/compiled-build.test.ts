// The production build: `npm run build` compiles to dist/, and the compiled
// command — with its stage threads loading compiled code, no tsx — loads the
// registries, serves, processes a golden application to its verdict and reads
// a document from the command line.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DATE } from '../../fixtures/lib/identity.ts';
import * as files from '../helpers/files.ts';
import { COMPILED_CLI, runCli } from '../helpers/process.ts';
import { goldenProfile, uploadForm, waitFor } from '../helpers/service.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dv-compiled-'));
const env = {
  DATA_DIR: dataDir,
  PORT: '0',
  HOST: '127.0.0.1',
  DATABASE_URL: '',
  REDIS_URL: '',
  CLOCK: `${CORPUS_DATE}T12:00:00Z`,
  POOL_THREADS: '2',
};

describe('compiled build', () => {
  beforeAll(() => {
    execFileSync('npm', ['run', '-s', 'build'], { stdio: 'pipe' });
  }, 180_000);
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('runs the service from dist/: registries, upload, stage threads, verdict', async () => {
    expect(fs.existsSync(COMPILED_CLI)).toBe(true);
    const load = runCli(['registry', 'import-all', 'fixtures/golden/registries'], env, COMPILED_CLI);
    expect(await load.exited).toBe(0);
    const cli = runCli(['serve'], env, COMPILED_CLI);
    try {
      const url = (await cli.waitForOutput(/listening on (http:\/\/\S+)/, 60_000))[1]!;
      const key = (await cli.waitForOutput(/(dv_portal_\S+)/))[1]!;
      const call = async (route: string, init: RequestInit = {}) => {
        const response = await fetch(`${url}${route}`, {
          ...init,
          headers: { authorization: `Bearer ${key}`, ...init.headers },
        });
        return (await response.json()) as any;
      };
      const created = await call('/v1/applications', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ serviceType: 'registration_at_stay', applicant: goldenProfile('valid-kaz') }),
      });
      for (const kind of ['passport', 'migration_card', 'selfie']) {
        await call(`/v1/applications/${created.id}/documents`, {
          method: 'POST',
          body: uploadForm(kind, files.golden(`valid-kaz/${kind}.jpg`), `${kind}.jpg`),
        });
      }
      const settled = await waitFor(
        async () => {
          const body = await call(`/v1/applications/${created.id}`);
          return body.status === 'processing' ? undefined : body;
        },
        120_000,
        'the verdict',
      );
      expect(settled.status).toBe('approved');
      expect(settled.documents.flatMap((d: { checks: { stage: string }[] }) => d.checks.map((c) => c.stage))).toContain(
        'mrz',
      );
      // No TypeScript loader anywhere in the process that served this.
      expect(cli.output()).not.toMatch(/tsx/);
    } finally {
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
    }
  }, 180_000);

  it('reads a document from the command line', async () => {
    const read = runCli(['read', 'fixtures/golden/valid-kaz/passport.jpg', '--json'], env, COMPILED_CLI);
    expect(await read.exited).toBe(0);
    const result = JSON.parse(read.stdout());
    expect(result.mrz.valid).toBe(true);
  }, 120_000);
});
