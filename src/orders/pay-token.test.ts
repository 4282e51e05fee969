import { describe, expect, it } from 'vitest';
import { checkPayToken, signPayToken } from './pay-token.js';

const key = Buffer.alloc(32, 7);
const b = {
  ref: 'sbx_0123456789abcdef0123456789abcdef',
  merchantOrderId: 'xf-order-12',
  amountFen: 13930,
};
const now = new Date('2026-03-02T02:00:00Z');
const later = new Date(now.getTime() + 15 * 60_000);

describe('pay page tokens', () => {
  it('accepts the token issued for this payment until it expires', () => {
    const t = signPayToken(key, b, later);
    expect(t).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
    expect(checkPayToken(key, b, t, now)).toEqual({ ok: true, expiresAt: later });
    expect(checkPayToken(key, b, t, new Date(later.getTime() - 1000)).ok).toBe(true);
    expect(checkPayToken(key, b, t, later)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a missing, malformed or forged token, and one made for another payment, amount, expiry or key', () => {
    const t = signPayToken(key, b, later);
    const [exp, sig] = t.split('.') as [string, string];
    expect(checkPayToken(key, b, undefined, now)).toEqual({ ok: false, reason: 'missing' });
    expect(checkPayToken(key, b, '', now)).toEqual({ ok: false, reason: 'missing' });
    for (const bad of ['abc', `${exp}.`, `${exp}.${sig}x`, `${exp}.${sig.slice(1)}`, `-1.${sig}`]) {
      expect(checkPayToken(key, b, bad, now)).toEqual({ ok: false, reason: 'malformed' });
    }
    const forged = [`${Number(exp) + 3600}.${sig}`, `${exp}.${'A'.repeat(43)}`];
    for (const f of forged)
      expect(checkPayToken(key, b, f, now)).toEqual({ ok: false, reason: 'forged' });
    expect(
      checkPayToken(key, { ...b, ref: 'sbx_ffffffffffffffffffffffffffffffff' }, t, now),
    ).toEqual({ ok: false, reason: 'forged' });
    expect(checkPayToken(key, { ...b, merchantOrderId: 'xf-order-13' }, t, now)).toEqual({
      ok: false,
      reason: 'forged',
    });
    expect(checkPayToken(key, { ...b, amountFen: 1 }, t, now)).toEqual({
      ok: false,
      reason: 'forged',
    });
    expect(checkPayToken(Buffer.alloc(32, 8), b, t, now)).toEqual({ ok: false, reason: 'forged' });
    // An expired forgery is a forgery, not an expired link.
    expect(checkPayToken(key, b, `1.${sig}`, now)).toEqual({ ok: false, reason: 'forged' });
  });
});
