// Which tests need real servers, and skipping them — visibly — when a server
// is not there (test/global-setup.ts probes them; the summary counts the skips).
import { describe, inject, it } from 'vitest';

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export type Server = 'postgres' | 'redis';

/** Marks the name of a suite skipped for a missing server; the summary reporter counts tests under it. */
export const SERVER_SKIP_MARK = '[skipped, server mode: ';

/** Why the servers `needs` names cannot be used, if they cannot. */
export function missingServers(needs: readonly Server[]): string[] {
  const servers = inject('servers');
  return needs.flatMap((server) => (servers[server] ? [servers[server]] : []));
}

/** `it`, skipped with the reason in its name when a server it needs is down. */
export function itWithServers(needs: readonly Server[], name: string, body: () => Promise<void>): void {
  const missing = missingServers(needs);
  if (missing.length) it.skip(`${name} ${SERVER_SKIP_MARK}${missing.join('; ')}]`, body);
  else it(name, body);
}

/** `describe`, skipped with the reason in its name when a server it needs is down. */
export function describeWithServers(needs: readonly Server[], name: string, body: () => void): void {
  const missing = missingServers(needs);
  if (missing.length) describe.skip(`${name} ${SERVER_SKIP_MARK}${missing.join('; ')}]`, body);
  else describe(name, body);
}
