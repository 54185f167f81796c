// Opens the database: PostgreSQL when DATABASE_URL is set, otherwise the
// embedded PGlite in DATA_DIR (locked to this process). Migrations are
// applied on open, so every command sees the current schema.
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.ts';
import type { Config } from '../core/config.ts';
import { log } from '../core/log.ts';
import { lockDataDir } from './lock.ts';
import { makePrivate } from './private-dir.ts';
import { applyMigrations } from './migrate.ts';
import { pgliteRunner, pgRunner, type SqlRunner } from './sql.ts';

export type Prisma = PrismaClient;

export interface Database {
  kind: Config['database']['kind'];
  prisma: PrismaClient;
  sql: SqlRunner;
  close(): Promise<void>;
}

export async function openDatabase(config: Pick<Config, 'database'>, options = { migrate: true }): Promise<Database> {
  const db =
    config.database.kind === 'postgres' ? openPostgres(config.database.url) : await openPglite(config.database.dir);
  try {
    if (options.migrate) {
      const applied = await applyMigrations(db.sql);
      if (applied.length) log.info('migrations applied', { applied });
    }
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}

function openPostgres(url: string): Database {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', (error) => log.warn('postgres pool error', { error: error.message }));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: 'postgres',
    prisma,
    sql: pgRunner(pool),
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function openPglite(dir: string): Promise<Database> {
  const release = lockDataDir(dir);
  try {
    const pglite = await PGlite.create({ dataDir: dir });
    // A new data directory is unpacked with the modes of PGlite's bundled image (0666), whatever the umask.
    makePrivate(dir);
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
    return {
      kind: 'pglite',
      prisma,
      sql: pgliteRunner(pglite),
      async close() {
        await prisma.$disconnect();
        await pglite.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
