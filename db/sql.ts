// A minimal raw-SQL port over both drivers, for what Prisma Client cannot do:
// applying migration scripts, advisory locks, readiness probes, bulk loads.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export interface SqlSession {
  /** Runs a script of one or more statements (simple protocol, no parameters). */
  exec(script: string): Promise<void>;
  query<Row>(text: string, params?: unknown[]): Promise<Row[]>;
}

export interface SqlRunner extends SqlSession {
  /** Runs fn on one connection inside BEGIN … COMMIT (ROLLBACK on throw). */
  transaction<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  /**
   * Loads rows (arrays of column values) into a table: PostgreSQL's COPY, streamed;
   * on the embedded database, multi-row INSERTs in batches.
   */
  load(table: string, columns: readonly string[], rows: AsyncIterable<readonly string[]>): Promise<number>;
}

/** A value in COPY's CSV format: quoted, quotes doubled. */
const csvField = (value: string) => `"${value.replace(/"/g, '""')}"`;
const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** Rows per INSERT on the embedded database: big enough to amortise a statement, small enough for its parameters. */
const INSERT_BATCH = 2000;

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
    async load(table, columns, rows) {
      const client = await pool.connect();
      let count = 0;
      try {
        const copy = client.query(
          copyFrom(`COPY ${quoted(table)} (${columns.map(quoted).join(', ')}) FROM STDIN WITH (FORMAT csv)`),
        );
        // Rows go out in chunks of about 256 KB: one COPY message per row would cost more than the row.
        const lines = Readable.from(
          (async function* () {
            let chunk = '';
            for await (const row of rows) {
              count++;
              chunk += `${row.map(csvField).join(',')}\n`;
              if (chunk.length >= 262_144) {
                yield chunk;
                chunk = '';
              }
            }
            if (chunk) yield chunk;
          })(),
        );
        await pipeline(lines, copy);
        return count;
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
    async load(table, columns, rows) {
      let batch: (readonly string[])[] = [];
      let count = 0;
      const flush = async () => {
        if (batch.length === 0) return;
        const values = batch
          .map((_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`)
          .join(', ');
        await db.query(
          `INSERT INTO ${quoted(table)} (${columns.map(quoted).join(', ')}) VALUES ${values}`,
          batch.flat(),
        );
        count += batch.length;
        batch = [];
      };
      for await (const row of rows) {
        batch.push(row);
        if (batch.length >= INSERT_BATCH) await flush();
      }
      await flush();
      return count;
    },
  };
}
