// A minimal raw-SQL port over both drivers, for what Prisma Client cannot do:
// applying migration scripts, advisory locks, readiness probes.
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

export interface SqlSession {
  /** Runs a script of one or more statements (simple protocol, no parameters). */
  exec(script: string): Promise<void>;
  query<Row>(text: string, params?: unknown[]): Promise<Row[]>;
}

export interface SqlRunner extends SqlSession {
  /** Runs fn on one connection inside BEGIN … COMMIT (ROLLBACK on throw). */
  transaction<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
}

export function pgRunner(pool: pg.Pool): SqlRunner {
  return {
    async exec(script) {
      await pool.query(script);
    },
    async query<Row>(text: string, params?: unknown[]) {
      return (await pool.query(text, params)).rows as Row[];
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          exec: async (script) => void (await client.query(script)),
          query: async <Row>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as Row[],
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

export function pgliteRunner(db: PGlite): SqlRunner {
  return {
    async exec(script) {
      await db.exec(script);
    },
    async query<Row>(text: string, params?: unknown[]) {
      return (await db.query<Row>(text, params)).rows;
    },
    async transaction(fn) {
      return db.transaction((tx) =>
        fn({
          exec: async (script) => void (await tx.exec(script)),
          query: async <Row>(text: string, params?: unknown[]) => (await tx.query<Row>(text, params)).rows,
        }),
      );
    },
  };
}
