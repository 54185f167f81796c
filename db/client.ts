// What the table modules query through: the client itself or one of its
// transactions, and the organisation scope every tenant-facing read carries.
import type { Prisma as PrismaNs } from '../generated/prisma/client.ts';

export type Client = PrismaNs.TransactionClient;

/** Rows a caller may see: its organisation's (an admin key: every organisation's). */
export type Scope = { organizationId?: string };

export type Json = PrismaNs.InputJsonValue;
