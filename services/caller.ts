// Who is asking, as the services take it: derived from the API key's row, the
// same way for an HTTP request and for the corpus replay's own portal key.
import type { Actor } from '../db/audit.ts';
import type { Scope } from '../db/client.ts';
import type { ApiClient } from '../generated/prisma/client.ts';

type Key = Pick<ApiClient, 'id' | 'role' | 'organizationId'>;

/** The key's client, its organisation scope (empty for an admin) and how the trail names it. */
export interface Caller {
  clientId: string;
  /** The key's organisation; undefined for a global (admin) key. */
  organizationId: string | undefined;
  scope: Scope;
  actor: Actor;
}

/** The key as the audit trail and the status history record it: its real role. */
export const actorFor = ({ id, role }: Key): Actor => ({
  type: role === 'reviewer' ? 'reviewer' : role === 'admin' ? 'admin' : 'client',
  id,
});

/** The rows a key may see: its organisation's, or everything for an admin. */
export function scopeOf({ role, organizationId }: Key): Scope {
  if (role === 'admin') return {};
  // A portal or reviewer key without an organisation sees nothing.
  return { organizationId: organizationId ?? '00000000-0000-0000-0000-000000000000' };
}

export const callerFrom = (key: Key): Caller => ({
  clientId: key.id,
  organizationId: key.organizationId ?? undefined,
  scope: scopeOf(key),
  actor: actorFor(key),
});
