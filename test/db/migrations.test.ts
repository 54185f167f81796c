// Migrations are the only way the schema reaches a database: they must
// agree with schema.prisma, apply on both drivers, and refuse edited history.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diffMigrationsToSchema } from '../../db/diff.ts';
import { openDatabase } from '../../db/index.ts';
import { applyMigrations, listMigrations, MIGRATIONS_DIR, SCHEMA_FILE } from '../../db/migrate.ts';
import { testEnvironment, type TestEnvironment } from '../helpers/service.ts';
import { itWithServers } from '../helpers/servers.ts';

const temp: string[] = [];
afterAll(() => temp.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function copyOfPrismaDir(): { schema: string; migrations: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dv-prisma-'));
  temp.push(dir);
  fs.cpSync(MIGRATIONS_DIR, path.join(dir, 'migrations'), { recursive: true });
  fs.copyFileSync(SCHEMA_FILE, path.join(dir, 'schema.prisma'));
  return { schema: path.join(dir, 'schema.prisma'), migrations: path.join(dir, 'migrations') };
}

describe('migrations', () => {
  it('agree with schema.prisma (no drift)', async () => {
    expect(await diffMigrationsToSchema()).toBe('');
  });

  it('show drift when schema.prisma changes without a migration', async () => {
    const copy = copyOfPrismaDir();
    fs.appendFileSync(copy.schema, '\nmodel DriftProbe {\n  id Int @id\n}\n');
    expect(await diffMigrationsToSchema(copy.migrations, copy.schema)).toContain('CREATE TABLE "DriftProbe"');
  });

  for (const kind of ['pglite', 'postgres'] as const)
    itWithServers(kind === 'postgres' ? ['postgres'] : [], `apply once and only once on ${kind}`, async () => {
      const environment: TestEnvironment = await testEnvironment({ db: kind, queue: 'memory' });
      try {
        const db = await openDatabase(environment.config);
        try {
          expect(await applyMigrations(db.sql)).toEqual([]);
          const rows = await db.sql.query<{ migration_name: string; checksum: string }>(
            'SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name',
          );
          expect(rows).toEqual(listMigrations().map((m) => ({ migration_name: m.name, checksum: m.checksum })));
          // An edited migration that was already applied is refused, not silently re-run.
          const edited = listMigrations().map((m) => ({ ...m, checksum: 'f'.repeat(64) }));
          await expect(applyMigrations(db.sql, edited)).rejects.toThrow('was edited after it was applied');
        } finally {
          await db.close();
        }
      } finally {
        await environment.cleanup();
      }
    });
});
