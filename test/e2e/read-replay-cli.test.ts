// `docverify read` and `npm run replay` as a developer runs them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/process.ts';

describe('docverify read', () => {
  it('prints one JSON object per file, with the stable shape, from one call', async () => {
    const files = [
      'fixtures/golden/valid-uzb/passport.jpg',
      'fixtures/golden/passport-pdf2-tur/passport.pdf',
      'fixtures/golden/refused-gif-as-jpg/passport.jpg',
    ];
    const cli = runCli(['read', ...files, '--kind', 'passport', '--json'], { LOG_LEVEL: 'error' });
    expect(await cli.exited).toBe(0);
    const lines = cli
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => l.file).sort()).toEqual([...files].sort());
    const byFile = Object.fromEntries(lines.map((l) => [l.file, l]));
    const truth = JSON.parse(fs.readFileSync('fixtures/golden/valid-uzb/expected.json', 'utf8')).documents[0];
    expect(byFile[files[0]!]).toMatchObject({
      kind: 'passport',
      intake: { outcome: 'pass', contentType: 'image/jpeg' },
      mrz: {
        format: 'TD3',
        lines: truth.mrz.lines,
        valid: true,
        fields: { documentNumber: truth.fields.documentNumber },
        checkDigits: { composite: true },
      },
    });
    expect(byFile[files[0]!].checks).toMatchObject([
      { stage: 'normalize', outcome: 'pass', details: { pageCount: 1 } },
      { stage: 'quality', outcome: 'pass' },
      { stage: 'mrz', outcome: 'pass' },
      { stage: 'viz', outcome: 'pass' },
      { stage: 'portrait', outcome: 'pass' },
    ]);
    expect(
      byFile[files[0]!].viz.comparison.map((c: { field: string; status: string }) => `${c.field}:${c.status}`),
    ).toEqual([
      'documentNumber:match',
      'surname:match',
      'givenNames:match',
      'dateOfBirth:match',
      'dateOfExpiry:match',
      'sex:match',
    ]);
    expect(byFile[files[1]!].checks[0].details.pageCount).toBe(2);
    expect(byFile[files[2]!].intake).toMatchObject({ outcome: 'fail', reasonCode: 'unsupported_file_type' });
  });
});

describe('npm run replay', () => {
  // `npm run replay` is `tsx fixtures/replay-cli.ts`: the same, without npm in between.
  const TSX = fileURLToPath(import.meta.resolve('tsx/cli'));
  const replay = (args: string[]) => runCli(['fixtures/replay-cli.ts', ...args], { LOG_LEVEL: 'error' }, TSX);

  function corpusCopy(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dv-replay-'));
    // A small corpus: three cases and the companions they share.
    const cases = ['valid-uzb', 'passport-rot90_exif-mda', 'refused-truncated-jpeg'];
    const manifest = JSON.parse(fs.readFileSync('fixtures/golden/manifest.json', 'utf8'));
    const needed = new Set<string>(cases);
    for (const name of cases) {
      for (const document of JSON.parse(fs.readFileSync(`fixtures/golden/${name}/expected.json`, 'utf8')).documents)
        needed.add(document.file.split('/')[0]);
    }
    // The registries' export files too: without them every settlement would wait for a registry.
    for (const name of [...needed, 'registries'])
      fs.cpSync(`fixtures/golden/${name}`, path.join(dir, name), { recursive: true });
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...manifest, cases }));
    return dir;
  }

  it('passes on a faithful corpus, verdicts included', async () => {
    const dir = corpusCopy();
    try {
      const cli = replay([dir]);
      expect(await cli.exited).toBe(0);
      expect(cli.output()).toMatch(/3 cases, \d+ files: \d+ checks passed, 0 failed/);
      expect(cli.output()).toContain('verdicts: 3/3');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits non-zero when a result regresses against the truth', async () => {
    const dir = corpusCopy();
    try {
      const file = path.join(dir, 'passport-rot90_exif-mda', 'expected.json');
      const truth = JSON.parse(fs.readFileSync(file, 'utf8'));
      truth.documents[0].stages.normalize.orientation = 8;
      fs.writeFileSync(file, JSON.stringify(truth));
      const cli = replay([dir, '--json']);
      expect(await cli.exited).toBe(1);
      const failures = cli
        .stdout()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line))
        .filter((row) => row.status === 'fail');
      expect(failures).toMatchObject([
        { case: 'passport-rot90_exif-mda', subject: 'stage:normalize', actual: { orientation: 6 } },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
