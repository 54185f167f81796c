// Webhook delivery to the portals: the delivery rows (an outbox written with
// each notification, see db/notifications.ts) are sent as JSON signed with
// the organisation's secret (HMAC-SHA256), retried with jittered exponential
// backoff, and logged. Several processes may run this: a delivery is claimed
// by moving its next attempt forward before it is sent, so it is sent once.
import { createHmac } from 'node:crypto';
import { backoff } from '../core/backoff.ts';
import type { Config } from '../core/config.ts';
import { repeat } from '../core/repeat.ts';
import { errorMessage, log } from '../core/log.ts';
import type { Database } from '../db/index.ts';
import { webhookSecretsOf } from '../db/organizations.ts';
import * as deliveries from '../db/webhook-deliveries.ts';

type WebhookConfig = Omit<Config['webhook'], 'endpoint'>;

const BATCH = 50;
const TIMEOUT_MS = 10_000;
/** How long a claimed delivery stays hidden from other dispatchers while it is being sent. */
const CLAIM_MS = TIMEOUT_MS * 3;
const MAX_BACKOFF_MS = 60 * 60 * 1000;

/** `sha256=<hex>` over "<timestamp>.<body>": the portal recomputes it with the shared secret. */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

type Delivery = { id: string; organizationId: string; url: string; event: string; payload: unknown; attempts: number };

async function send(db: Database, config: WebhookConfig, delivery: Delivery, secret: string | null | undefined) {
  const body = JSON.stringify({ id: delivery.id, event: delivery.event, ...(delivery.payload as object) });
  const timestamp = new Date().toISOString();
  let statusCode: number | undefined;
  let error: string | undefined;
  try {
    if (!secret) throw new Error('the organisation has no webhook secret');
    const response = await fetch(delivery.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-docverify-event': delivery.event,
        'x-docverify-delivery': delivery.id,
        'x-docverify-timestamp': timestamp,
        'x-docverify-signature': signature(secret, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    statusCode = response.status;
    await response.arrayBuffer();
    if (!response.ok) error = `HTTP ${response.status}`;
  } catch (caught) {
    error = errorMessage(caught);
  }
  const attempts = delivery.attempts + 1;
  if (!error) {
    await deliveries.delivered(db.prisma, delivery.id, attempts, statusCode);
    return;
  }
  const exhausted = attempts >= config.attempts;
  await deliveries.attemptFailed(db.prisma, delivery.id, {
    attempts,
    statusCode,
    error,
    exhausted,
    next: new Date(
      Date.now() + backoff({ attempt: attempts, base: config.backoffMs, max: MAX_BACKOFF_MS, jitter: 'equal' }),
    ),
  });
  log.warn('webhook delivery failed', { deliveryId: delivery.id, attempts, exhausted, error });
}

/** One pass: send every due delivery this process can claim. */
export async function dispatchWebhooks(db: Database, config: WebhookConfig): Promise<void> {
  const due = await deliveries.due(db.prisma, new Date(), BATCH);
  // Each delivery is signed with its organisation's secret: read once per pass.
  const secrets = await webhookSecretsOf(db.prisma, [...new Set(due.map((d) => d.organizationId))]);
  for (const delivery of due) {
    if (await deliveries.claim(db.prisma, delivery, new Date(Date.now() + CLAIM_MS)))
      await send(db, config, delivery, secrets.get(delivery.organizationId));
  }
}

export function startWebhookDispatcher(db: Database, config: WebhookConfig): () => void {
  return repeat('webhook dispatch', config.intervalMs, () => dispatchWebhooks(db, config));
}
