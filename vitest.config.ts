import { defineConfig } from 'vitest/config';

/**
 * The fast tier (`npm run test:fast`): pure stages, rules, validators, API
 * mapping — no OCR or face model, no server; under a minute. `npm test` runs it
 * and everything else.
 */
const FAST = [
  'background',
  'blob-store',
  'decision',
  'details',
  'document-locate',
  'extracted',
  'feeding',
  'forms-page',
  'ink',
  'line-correction',
  'liveness-signals',
  'log',
  'mrz-formats',
  'mrz-fuse',
  'mrz-views',
  'mrz-zone',
  'normalize',
  'openapi',
  'quality',
  'queue-and-lifecycle',
  'registry',
  'sniff',
  'stage-steps',
  'structure',
  'tax-ids',
  'transliteration',
  'validators',
  'viz-compare',
  'warm-engine',
].map((name) => `test/unit/${name}.test.ts`);

export default defineConfig({
  test: {
    // Each file opens its own databases and servers; forks keep native handles apart.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/summary-reporter.ts'],
    env: { LOG_LEVEL: 'error' },
    projects: [
      { extends: true, test: { name: 'fast', include: FAST } },
      // Probes PostgreSQL and Redis first: server-mode tests skip (and are counted) without them.
      {
        extends: true,
        test: { name: 'full', include: ['test/**/*.test.ts'], exclude: FAST, globalSetup: ['./test/global-setup.ts'] },
      },
    ],
  },
});
