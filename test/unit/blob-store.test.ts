import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { encryptedFileStore, resolveStorageKey } from '../../db/blob-store.ts';
import { loadConfig } from '../../core/config.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dv-blobs-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const filesIn = (dir: string) =>
  fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => fs.statSync(path.join(dir, f)).isFile());

describe('encrypted blob store', () => {
  const plaintext = Buffer.from('P<UZBJURAEV<<ALISHER<<<<<<<<<<<<<<<<<<<<<<<<'.repeat(50));

  it('gives back what it was given, and keeps no plaintext on disk', async () => {
    const dir = tempDir();
    const store = encryptedFileStore(dir, randomBytes(32));
    await store.put('doc-1', plaintext);
    expect((await store.get('doc-1')).equals(plaintext)).toBe(true);
    const [file] = filesIn(dir);
    const raw = fs.readFileSync(path.join(dir, file!));
    expect(raw.subarray(0, 4).toString()).toBe('DVB1');
    expect(raw.includes(Buffer.from('JURAEV'))).toBe(false);
    expect(raw.length).toBe(plaintext.length + 4 + 12 + 16);
  });

  it('refuses a tampered blob, a blob moved to another name, and the wrong key', async () => {
    const dir = tempDir();
    const key = randomBytes(32);
    const store = encryptedFileStore(dir, key);
    await store.put('doc-a', plaintext);
    const file = path.join(dir, filesIn(dir)[0]!);
    const raw = fs.readFileSync(file);

    await expect(encryptedFileStore(dir, randomBytes(32)).get('doc-a')).rejects.toThrow();

    fs.mkdirSync(path.join(dir, 'do'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'do', 'doc-b'), raw);
    await expect(store.get('doc-b')).rejects.toThrow();

    raw[raw.length - 1]! ^= 1;
    fs.writeFileSync(file, raw);
    await expect(store.get('doc-a')).rejects.toThrow();
  });

  it('rejects blob keys that could escape its directory', async () => {
    const store = encryptedFileStore(tempDir(), randomBytes(32));
    await expect(store.put('../evil', plaintext)).rejects.toThrow('Invalid blob key');
  });

  it('generates a development key once in embedded mode, and demands one with PostgreSQL', () => {
    const dataDir = tempDir();
    const embedded = loadConfig({ DATA_DIR: dataDir });
    const first = resolveStorageKey(embedded);
    expect(first).toHaveLength(32);
    expect(resolveStorageKey(embedded).equals(first)).toBe(true);
    expect(fs.statSync(embedded.storage.devKeyFile).mode & 0o077).toBe(0);
    const server = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: 'postgresql://localhost/x' });
    expect(() => resolveStorageKey(server)).toThrow('STORAGE_KEY is required');
    const hex = randomBytes(32);
    expect(
      resolveStorageKey(
        loadConfig({ ...{ DATABASE_URL: 'postgresql://localhost/x' }, STORAGE_KEY: hex.toString('hex') }),
      ).equals(hex),
    ).toBe(true);
  });
});
