// Uploaded scans at rest: AES-256-GCM, one random IV per blob, the blob's key
// bound in as associated data (a blob copied under another name won't open).
// Layout: "DVB1" | iv (12) | tag (16) | ciphertext.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../core/config.ts';
import { log } from '../core/log.ts';

export interface BlobStore {
  put(key: string, bytes: Uint8Array): Promise<void>;
  get(key: string): Promise<Buffer>;
  /** Removes a blob; a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** Every blob with its last write, for the orphan sweep. */
  list(): AsyncIterable<{ key: string; modifiedAt: Date }>;
}

const MAGIC = Buffer.from('DVB1');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_NAME = /^[\w-]+(\.[\w-]+)*$/;

export function encryptedFileStore(dir: string, key: Buffer): BlobStore {
  if (key.length !== 32) throw new Error('The storage key must be 32 bytes (AES-256)');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const fileOf = (name: string) => {
    if (!KEY_NAME.test(name)) throw new Error(`Invalid blob key: ${name}`);
    // Two-level fan-out keeps directories small.
    return path.join(dir, name.slice(0, 2), name);
  };
  return {
    async put(name, bytes) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(name));
      const body = Buffer.concat([cipher.update(bytes), cipher.final()]);
      const file = fileOf(name);
      await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      // Write, flush, then rename: a crash leaves either no blob or a whole one.
      // A name of its own per write: two runs of one job in this process may write the same blob at once.
      const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
      const handle = await fs.promises.open(tmp, 'w', 0o600);
      try {
        await handle.writeFile(Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.promises.rename(tmp, file);
    },
    async delete(name) {
      await fs.promises.rm(fileOf(name), { force: true });
    },
    async *list() {
      for (const fan of await fs.promises.readdir(dir)) {
        const folder = path.join(dir, fan);
        if (!(await fs.promises.stat(folder)).isDirectory()) continue;
        for (const name of await fs.promises.readdir(folder)) {
          if (!KEY_NAME.test(name) || name.endsWith('.tmp')) continue; // skip writes in progress
          const stat = await fs.promises.stat(path.join(folder, name)).catch(() => undefined);
          if (stat) yield { key: name, modifiedAt: stat.mtime };
        }
      }
    },
    async get(name) {
      const data = await fs.promises.readFile(fileOf(name));
      if (!data.subarray(0, 4).equals(MAGIC)) throw new Error(`Blob ${name} is not in docverify's format`);
      const iv = data.subarray(4, 4 + IV_BYTES);
      const tag = data.subarray(4 + IV_BYTES, 4 + IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(Buffer.from(name));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(data.subarray(4 + IV_BYTES + TAG_BYTES)), decipher.final()]);
    },
  };
}

function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error('STORAGE_KEY must be 32 bytes, as 64 hex digits or base64');
  return key;
}

/**
 * STORAGE_KEY from the environment; in embedded mode without one, a
 * development key generated once into DATA_DIR (never for PostgreSQL mode,
 * where workers on several machines must share a key the operator manages).
 */
export function resolveStorageKey(config: Pick<Config, 'storage' | 'database'>): Buffer {
  if (config.storage.key) return parseKey(config.storage.key);
  if (config.database.kind !== 'pglite') {
    throw new Error('STORAGE_KEY is required with DATABASE_URL (32 bytes, hex or base64: `openssl rand -base64 32`)');
  }
  const file = config.storage.devKeyFile;
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    log.warn('generated a development storage key; set STORAGE_KEY in production', { file });
  }
  return parseKey(fs.readFileSync(file, 'utf8'));
}
