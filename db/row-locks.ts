// Row locks, written once: a transaction that reads a row to decide what to
// write to it takes the row first (SELECT … FOR UPDATE), so two workers,
// reviewers or sweepers acting on the same row take turns. Table names come
// from this list, never from a caller's string.
import type { Prisma as PrismaNs } from '../generated/prisma/client.ts';

const LOCKS = {
  Application: (tx: PrismaNs.TransactionClient, id: string) =>
    tx.$queryRaw`SELECT id FROM "Application" WHERE id = ${id}::uuid FOR UPDATE`,
  Account: (tx: PrismaNs.TransactionClient, id: string) =>
    tx.$queryRaw`SELECT id FROM "Account" WHERE id = ${id}::uuid FOR UPDATE`,
  Document: (tx: PrismaNs.TransactionClient, id: string) =>
    tx.$queryRaw`SELECT id FROM "Document" WHERE id = ${id}::uuid FOR UPDATE`,
} as const;

/** Holds the row until the transaction ends (a missing row locks nothing). */
export async function lockRow(tx: PrismaNs.TransactionClient, table: keyof typeof LOCKS, id: string): Promise<void> {
  await LOCKS[table](tx, id);
}
