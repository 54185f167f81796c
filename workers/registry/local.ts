// Local registry mirrors: one table per registry in the service's own database
// (PostgreSQL, or the embedded PGlite), filled from the registries' export
// files with `docverify registry import KIND FILE`. A mirror that was never
// imported answers «unavailable», not «not found»: an empty table proves nothing.
import { latestImport } from './import.ts';
import type { Database } from '../../db/index.ts';
import {
  REGISTRIES,
  type RegistryAnswer,
  type RegistryKind,
  type RegistryPort,
} from '../../pipeline/registry/index.ts';

/** How long a mirror's «has it been imported?» answer is trusted. */
const IMPORTED_TTL_MS = 30_000;

export function localRegistry(db: Database): RegistryPort {
  const imported = new Map<RegistryKind, { at: number; yes: boolean }>();
  async function hasImport(kind: RegistryKind): Promise<boolean> {
    const cached = imported.get(kind);
    if (cached && (cached.yes || Date.now() - cached.at < IMPORTED_TTL_MS)) return cached.yes;
    const yes = (await latestImport(db.prisma, kind)) !== null;
    imported.set(kind, { at: Date.now(), yes });
    return yes;
  }
  return {
    async lookup(kind, key): Promise<RegistryAnswer> {
      if (!(await hasImport(kind)))
        return { status: 'unavailable', detail: `the ${kind} mirror has never been imported` };
      // The table name comes from the registry table, never from input.
      const rows = await db.sql.query<{ record: Record<string, string> }>(
        `SELECT record FROM "${REGISTRIES[kind].table}" WHERE key = $1`,
        [key],
      );
      return rows[0] ? { status: 'found', record: rows[0].record } : { status: 'not_found' };
    },
  };
}
