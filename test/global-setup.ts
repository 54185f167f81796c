// Before any test file: are PostgreSQL and Redis reachable? Server-mode tests
// skip themselves (and the summary says how many, and why) when one is not —
// unless REQUIRE_SERVICES=1 (CI), where a missing server fails the run.
import { Redis } from 'ioredis';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { PG_URL, REDIS_URL } from './helpers/servers.ts';

async function probe(what: string, attempt: () => Promise<unknown>): Promise<string | null> {
  try {
    await attempt();
    return null;
  } catch (error) {
    return `${what} (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  }
}

export default async function setup(project: TestProject) {
  const postgres = await probe(`no PostgreSQL at ${new URL(PG_URL).host}`, async () => {
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
    await client.connect();
    await client.end();
  });
  const redis = await probe(`no Redis at ${new URL(REDIS_URL).host}`, async () => {
    const client = new Redis(REDIS_URL, {
      lazyConnect: true,
      connectTimeout: 2000,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    try {
      await client.connect();
      await client.ping();
    } finally {
      client.disconnect();
    }
  });
  if (process.env.REQUIRE_SERVICES === '1' && (postgres || redis)) {
    throw new Error(`REQUIRE_SERVICES=1 but ${[postgres, redis].filter(Boolean).join(' and ')}`);
  }
  project.provide('servers', { postgres, redis });
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Per server: null when reachable, else why not. */
    servers: { postgres: string | null; redis: string | null };
  }
}
