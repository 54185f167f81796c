// Applies prisma/migrations/<timestamp>_<name>/migration.sql in order, all
// pending ones in one transaction, bookkeeping in Prisma's own `_prisma_migrations` table so
// that the official CLI agrees with what we applied.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SqlRunner } from './sql.ts';
import { fromRoot } from '../core/paths.ts';

export const MIGRATIONS_DIR = fromRoot('prisma', 'migrations');
export const SCHEMA_FILE = fromRoot('prisma', 'schema.prisma');

/** Any constant: serialises migrators of several processes on one PostgreSQL. */
const MIGRATION_LOCK_ID = 7_202_611;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

const BOOKKEEPING_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/** Applies what is missing; returns the names it applied. */
export async function applyMigrations(sql: SqlRunner, migrations = listMigrations()): Promise<string[]> {
  return sql.transaction(async (session) => {
    await session.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
    await session.exec(BOOKKEEPING_TABLE);
    const applied = await session.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const appliedChecksums = new Map(applied.map((row) => [row.migration_name, row.checksum]));
    const done: string[] = [];
    for (const migration of migrations) {
      const checksum = appliedChecksums.get(migration.name);
      if (checksum === migration.checksum) continue;
      if (checksum) {
        throw new Error(
          `Migration ${migration.name} was edited after it was applied. Never edit an applied migration: ` +
            'add a new one with `npm run db:diff NAME`.',
        );
      }
      // Nested in the outer transaction: a failing migration rolls everything back.
      await session.exec(migration.sql);
      await session.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), now(), 1)`,
        [randomUUID(), migration.checksum, migration.name],
      );
      done.push(migration.name);
    }
    return done;
  });
}
