// Organisations (tenants) and their webhook endpoints.
import { randomBytes } from 'node:crypto';
import type { Client } from './client.ts';

/** Created by the tenancy migration; owns everything from before it and takes the WEBHOOK_URL/WEBHOOK_SECRET pair. */
export const DEFAULT_ORGANIZATION_ID = '00000000-0000-4000-8000-000000000001';

export interface WebhookEndpoint {
  url: string;
  secret: string;
}

export async function createOrganization(prisma: Client, name: string, webhook?: Partial<WebhookEndpoint>) {
  const secret = webhook?.url ? (webhook.secret ?? randomBytes(32).toString('base64url')) : undefined;
  return prisma.organization.create({
    data: { name, webhookUrl: webhook?.url ?? null, webhookSecret: secret ?? null },
  });
}

/** The environment's webhook pair is the default organisation's endpoint. */
export async function syncDefaultWebhook(prisma: Client, endpoint: WebhookEndpoint | undefined): Promise<void> {
  if (!endpoint) return;
  await prisma.organization.update({
    where: { id: DEFAULT_ORGANIZATION_ID },
    data: { webhookUrl: endpoint.url, webhookSecret: endpoint.secret },
  });
}

export const find = (db: Client, id: string) => db.organization.findUnique({ where: { id } });

export const list = (db: Client) => db.organization.findMany({ orderBy: { createdAt: 'asc' } });

/** Where the organisation's notifications are posted (none: no deliveries). */
export const webhookUrlOf = async (db: Client, id: string) =>
  (await db.organization.findUniqueOrThrow({ where: { id }, select: { webhookUrl: true } })).webhookUrl;

/** The webhook signing secrets of these organisations, by id. */
export const webhookSecretsOf = async (db: Client, ids: string[]) =>
  new Map(
    (await db.organization.findMany({ where: { id: { in: ids } }, select: { id: true, webhookSecret: true } })).map(
      (organization) => [organization.id, organization.webhookSecret],
    ),
  );
