// The audit trail: append-only, pseudonymous (ids and codes, never names), and
// tamper-evident. Each event stores the hash of the one before it in its chain
// (one chain per organisation, "global" for events of no organisation), so an
// edited or deleted row breaks the chain; `docverify audit verify` finds the
// first broken link. On PostgreSQL a trigger also refuses UPDATE and DELETE.
import { createHash } from 'node:crypto';
import type { ActorType } from '../generated/prisma/enums.ts';
import type { Prisma as PrismaNs } from '../generated/prisma/client.ts';
import type { Prisma } from './index.ts';

type Tx = PrismaNs.TransactionClient;

export interface Actor {
  type: ActorType;
  id?: string;
}

export interface AuditEntry {
  actor: Actor;
  action: string;
  entityType: string;
  entityId: string;
  /** The organisation whose object this is (its chain); null for global events. */
  organizationId: string | null;
  data?: object;
}

export const GLOBAL_CHAIN = 'global';
/** Events written before the chain existed (see the tenancy migration). */
export const LEGACY_CHAIN = 'legacy';
const GENESIS = '0'.repeat(64);

/** JSON with object keys sorted: PostgreSQL's jsonb does not keep key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

interface HashedFields {
  chain: string;
  seq: number;
  prevHash: string;
  at: Date;
  actorType: string;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  data: unknown;
}

/** The hash of an event: its fields (named one by one, so a stored row's id and hash stay out) after the previous hash. */
export function eventHash(event: HashedFields): string {
  const { chain, seq, prevHash, at, actorType, actorId, action, entityType, entityId, data } = event;
  const fields = { chain, seq, at: at.toISOString(), actorType, actorId, action, entityType, entityId, data };
  return createHash('sha256')
    .update(`${prevHash}\n${canonical(fields)}`)
    .digest('hex');
}

/** Appends an event to its chain, in the caller's transaction (the chain is locked until it commits). */
export async function recordAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  const chain = entry.organizationId ?? GLOBAL_CHAIN;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`audit:${chain}`}))`;
  const last = await tx.auditEvent.findFirst({
    where: { chain },
    orderBy: { seq: 'desc' },
    select: { seq: true, hash: true },
  });
  const fields: HashedFields = {
    chain,
    seq: (last?.seq ?? 0) + 1,
    prevHash: last?.hash ?? GENESIS,
    // Millisecond precision: what the column keeps is what was hashed.
    at: new Date(),
    actorType: entry.actor.type,
    actorId: entry.actor.id ?? null,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    // Through JSON once, so the hash covers exactly what is stored.
    data: JSON.parse(JSON.stringify(entry.data ?? {})),
  };
  await tx.auditEvent.create({
    data: {
      ...fields,
      actorType: entry.actor.type,
      data: fields.data as PrismaNs.InputJsonValue,
      hash: eventHash(fields),
    },
  });
}

export interface BrokenLink {
  chain: string;
  seq: number;
  id?: string;
  problem: 'hash_mismatch' | 'prev_hash_mismatch' | 'missing_event';
}

export interface AuditVerification {
  chains: number;
  events: number;
  /** Events from before the chain, which cannot be verified. */
  unchained: number;
  broken?: BrokenLink;
}

/** Walks every chain in order; stops at the first broken link. */
export async function verifyAudit(prisma: Prisma): Promise<AuditVerification> {
  const chains = (await prisma.auditEvent.groupBy({ by: ['chain'], _count: { _all: true } })).map((row) => ({
    chain: row.chain,
    count: row._count._all,
  }));
  const result: AuditVerification = { chains: 0, events: 0, unchained: 0 };
  for (const { chain, count } of chains.sort((a, b) => a.chain.localeCompare(b.chain))) {
    if (chain === LEGACY_CHAIN) {
      result.unchained += count;
      continue;
    }
    result.chains++;
    let expected = { seq: 1, prevHash: GENESIS };
    for (let cursor = 0; ;) {
      const page = await prisma.auditEvent.findMany({
        where: { chain, seq: { gt: cursor } },
        orderBy: { seq: 'asc' },
        take: 1000,
      });
      if (page.length === 0) break;
      for (const event of page) {
        result.events++;
        const link = { chain, seq: expected.seq, id: event.id };
        if (event.seq !== expected.seq)
          return { ...result, broken: { ...link, id: undefined, problem: 'missing_event' } };
        if (event.prevHash !== expected.prevHash)
          return { ...result, broken: { ...link, problem: 'prev_hash_mismatch' } };
        if (eventHash(event) !== event.hash) return { ...result, broken: { ...link, problem: 'hash_mismatch' } };
        expected = { seq: event.seq + 1, prevHash: event.hash };
        cursor = event.seq;
      }
    }
  }
  return result;
}
