// Capability tokens for a hosted pay page: whoever holds the pay link may pay or cancel that one
// payment, nobody else. The token is an HMAC over the payment's reference, our order id, the
// amount and the token's expiry, so it cannot be moved to another payment, amount or time.
// Pure: the caller supplies the key and the clock.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface PayTokenBinding {
  ref: string;
  merchantOrderId: string;
  amountFen: number;
}

export type PayTokenCheck =
  | { ok: true; expiresAt: Date }
  | { ok: false; reason: 'missing' | 'malformed' | 'forged' | 'expired' };

const TOKEN = /^([0-9]{1,12})\.([A-Za-z0-9_-]{43})$/;

function mac(key: Buffer, b: PayTokenBinding, expSeconds: number): Buffer {
  // Newline-separated fields: none of them can hold a newline, so no two bindings sign the same text.
  return createHmac('sha256', key)
    .update(
      ['xf-pay-v1', b.ref, b.merchantOrderId, String(b.amountFen), String(expSeconds)].join('\n'),
    )
    .digest();
}

/** `<expiry in unix seconds>.<base64url HMAC-SHA256>`; safe in a URL query as is. */
export function signPayToken(key: Buffer, b: PayTokenBinding, expiresAt: Date): string {
  const exp = Math.floor(expiresAt.getTime() / 1000);
  return `${exp}.${mac(key, b, exp).toString('base64url')}`;
}

export function checkPayToken(
  key: Buffer,
  b: PayTokenBinding,
  token: string | undefined,
  now: Date,
): PayTokenCheck {
  if (!token) return { ok: false, reason: 'missing' };
  const m = TOKEN.exec(token);
  if (!m) return { ok: false, reason: 'malformed' };
  const exp = Number(m[1]);
  const given = Buffer.from(m[2]!, 'base64url');
  if (given.length !== 32 || !timingSafeEqual(given, mac(key, b, exp)))
    return { ok: false, reason: 'forged' };
  // Checked after the signature, so "expired" is only ever said of a token we issued.
  if (exp * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, expiresAt: new Date(exp * 1000) };
}
