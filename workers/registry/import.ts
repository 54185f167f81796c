// `docverify registry import KIND FILE`: a registry's CSV export into its local
// mirror. The file is streamed into a staging table (COPY on PostgreSQL), the
// key gets its index, and the staging table replaces the mirror in one
// transaction: lookups see the old mirror or the new one, never half of it.
// Importing the file the mirror already holds (same checksum) changes nothing.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import readline from 'node:readline';
import type { Client } from '../../db/client.ts';
import type { Database } from '../../db/index.ts';
import { REGISTRIES, registryKey, type RegistryKind } from '../../pipeline/registry/index.ts';

export interface ImportResult {
  registry: RegistryKind;
  file: string;
  rows: number;
  sha256: string;
  durationMs: number;
  /** The mirror already holds this very file. */
  unchanged: boolean;
}

export class RegistryFileError extends Error {}

/** One CSV line into fields: commas, double quotes around fields, quotes doubled inside them. */
export function csvFields(line: string): string[] {
  if (!line.includes('"')) return line.split(','); // the common case, and the fast one
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The registry's last import (the RegistryImport table is written only by `importRegistry`, below). */
export const latestImport = (db: Client, kind: RegistryKind) =>
  db.registryImport.findFirst({ where: { registry: kind }, orderBy: { importedAt: 'desc' } });

/** The file's rows as [key, record JSON], checked against the registry's columns as they stream by. */
export async function* rowsOf(
  kind: RegistryKind,
  file: string,
  onBytes: (bytes: number) => void,
): AsyncGenerator<[string, string]> {
  const definition = REGISTRIES[kind];
  const stream = fs.createReadStream(file);
  let bytes = 0;
  stream.on('data', (chunk) => onBytes((bytes += chunk.length)));
  const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
  let columns: string[] | undefined;
  let keyAt: number[] | undefined;
  let fieldAt: [name: string, at: number][] | undefined;
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    const fields = csvFields(line);
    if (!columns) {
      columns = fields.map((f) => f.trim().toLowerCase());
      const missing = [...definition.key, ...definition.fields].filter((c) => !columns!.includes(c));
      if (missing.length)
        throw new RegistryFileError(
          `${file}: the header lacks ${missing.join(', ')} (a ${kind} file has ${[...definition.key, ...definition.fields].join(', ')})`,
        );
      keyAt = definition.key.map((c) => columns!.indexOf(c));
      // Required fields, then the optional ones the file has.
      fieldAt = [...definition.fields, ...(definition.optional ?? [])]
        .map((c): [string, number] => [c, columns!.indexOf(c)])
        .filter(([, at]) => at >= 0);
      continue;
    }
    if (fields.length !== columns.length)
      throw new RegistryFileError(`${file}:${lineNumber}: ${fields.length} fields, the header has ${columns.length}`);
    const keyParts = keyAt!.map((i) => fields[i]!.trim());
    if (keyParts.some((part) => part === ''))
      throw new RegistryFileError(`${file}:${lineNumber}: empty ${definition.key.join('/')}`);
    const record: Record<string, string> = {};
    for (const [name, at] of fieldAt!) record[name] = fields[at]!.trim();
    yield [registryKey(keyParts), JSON.stringify(record)];
  }
  if (!columns) throw new RegistryFileError(`${file}: empty file`);
}

export async function importRegistry(
  db: Database,
  kind: RegistryKind,
  file: string,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<ImportResult> {
  const started = performance.now();
  const sha256 = await sha256Of(file);
  const latest = await latestImport(db.prisma, kind);
  const result = { registry: kind, file, sha256 };
  if (latest?.sha256 === sha256)
    return { ...result, rows: latest.rows, durationMs: Math.round(performance.now() - started), unchanged: true };

  const { table } = REGISTRIES[kind];
  const staging = `${table}_staging`;
  const total = fs.statSync(file).size;
  await db.sql.exec(
    `DROP TABLE IF EXISTS "${staging}"; CREATE TABLE "${staging}" (key TEXT NOT NULL, record JSONB NOT NULL)`,
  );
  try {
    const rows = await db.sql.load(
      staging,
      ['key', 'record'],
      rowsOf(kind, file, (bytes) => onProgress(bytes, total)),
    );
    await db.sql.transaction(async (tx) => {
      // The key index is built once, on the full table; a key twice in the file stops the import here.
      await tx
        .exec(`ALTER TABLE "${staging}" ADD CONSTRAINT "${staging}_pkey" PRIMARY KEY (key)`)
        .catch((error: Error) => {
          throw new RegistryFileError(
            `${file}: ${/duplicate|unique/i.test(error.message) ? 'a key appears more than once' : error.message}`,
          );
        });
      await tx.exec(
        `DROP TABLE "${table}"; ALTER TABLE "${staging}" RENAME TO "${table}"; ALTER TABLE "${table}" RENAME CONSTRAINT "${staging}_pkey" TO "${table}_pkey"`,
      );
      await tx.query(
        `INSERT INTO "RegistryImport" (id, registry, "fileName", sha256, rows, "durationMs") VALUES (gen_random_uuid(), $1, $2, $3, $4, $5)`,
        [kind, file, sha256, rows, Math.round(performance.now() - started)],
      );
    });
    return { ...result, rows, durationMs: Math.round(performance.now() - started), unchanged: false };
  } finally {
    await db.sql.exec(`DROP TABLE IF EXISTS "${staging}"`);
  }
}
