// PGlite must never be opened by two processes at once.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/index.ts';
import { DataDirLockedError, lockDataDir } from '../../db/lock.ts';

const run = promisify(execFile);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dv-lock-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('embedded database lock', () => {
  it('refuses a second process with a clear message while the first holds the database', async () => {
    const dir = path.join(root, 'a', 'pg');
    const db = await openDatabase({ database: { kind: 'pglite', dir } });
    try {
      const other = await run('node', ['bin/docverify.mjs', 'db', 'migrate'], {
        env: { ...process.env, DATA_DIR: path.join(root, 'a'), DATABASE_URL: '' },
      }).catch((error: { code: number; stderr: string }) => error);
      expect('code' in other && other.code).toBe(1);
      expect((other as { stderr: string }).stderr).toContain(`is in use by process ${process.pid}`);
      // …and within this process, a second open is refused too.
      await expect(openDatabase({ database: { kind: 'pglite', dir } })).rejects.toBeInstanceOf(DataDirLockedError);
    } finally {
      await db.close();
    }
    // Closed: the next opener gets it.
    const again = await openDatabase({ database: { kind: 'pglite', dir } });
    await again.close();
  });

  it('takes over a lock left by a process that died', () => {
    const dir = path.join(root, 'b', 'pg');
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    fs.writeFileSync(
      `${dir}.lock`,
      JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname(), since: '2026-01-01', command: 'gone' }),
    );
    fs.utimesSync(`${dir}.lock`, new Date(0), new Date(0));
    const release = lockDataDir(dir);
    expect(JSON.parse(fs.readFileSync(`${dir}.lock`, 'utf8')).pid).toBe(process.pid);
    release();
    expect(fs.existsSync(`${dir}.lock`)).toBe(false);
  });
});
