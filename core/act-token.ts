// The token in the act's QR code: which decision it attests and until when,
// signed with HMAC-SHA256 under a key derived from the storage key. Anyone
// holding the token may ask whether the act is genuine; nobody can make one.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export interface ActClaims {
  applicationId: string;
  /** The decision the act was issued for: a later change makes the act no longer current. */
  decidedAt: Date;
  expiresAt: Date;
}

/** The act-signing key: its own key, derived from the storage key (one secret for the operator to keep). */
export const actSigningKey = (storageKey: Buffer): Buffer =>
  Buffer.from(hkdfSync('sha256', storageKey, Buffer.alloc(0), 'docverify act token v1', 32));

const Payload = z.object({ a: z.uuid(), d: z.number().int(), e: z.number().int() }).strict();
const mac = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest('base64url');

/** `<payload>.<signature>`, both base64url: URL-safe as it is. */
export function signActToken(claims: ActClaims, key: Buffer): string {
  const payload = Buffer.from(
    JSON.stringify({
      a: claims.applicationId,
      d: claims.decidedAt.getTime(),
      e: Math.floor(claims.expiresAt.getTime() / 1000),
    }),
  ).toString('base64url');
  return `${payload}.${mac(key, payload)}`;
}

export type ActTokenCheck =
  | { ok: true; claims: ActClaims }
  | { ok: false; reasonCode: 'act_token_invalid' | 'act_token_expired'; claims?: ActClaims };

export function readActToken(token: string, key: Buffer, now: Date): ActTokenCheck {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, reasonCode: 'act_token_invalid' };
  const expected = Buffer.from(mac(key, payload));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reasonCode: 'act_token_invalid' };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reasonCode: 'act_token_invalid' };
  }
  const parsed = Payload.safeParse(decoded);
  if (!parsed.success) return { ok: false, reasonCode: 'act_token_invalid' };
  const claims = {
    applicationId: parsed.data.a,
    decidedAt: new Date(parsed.data.d),
    expiresAt: new Date(parsed.data.e * 1000),
  };
  if (claims.expiresAt <= now) return { ok: false, reasonCode: 'act_token_expired', claims };
  return { ok: true, claims };
}
