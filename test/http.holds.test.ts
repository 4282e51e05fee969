// Holds over HTTP: the default lifetime comes from the configuration, a post or void sent without
// an Idempotency-Key is keyed by the hold and the request, and a caller's keys never take the
// keys the service makes for itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, http, newUser, type Harness } from './support/harness.js';

describe('holds over HTTP', () => {
  let h: Harness;
  let api: ReturnType<typeof http>;
  let n = 0;
  const key = () => ({ 'idempotency-key': `holds-${++n}` });
  const hold = async (userId: number, amount: number, ttlSeconds?: number) => {
    const res = await api('POST', '/v1/admin/holds', {
      body: { userId, amount, reason: 'quote', ...(ttlSeconds ? { ttlSeconds } : {}) },
      headers: key(),
    });
    expect(res.status, res.text).toBe(201);
    return res.body as { holdId: number; expiresAt: string };
  };
  const balance = async (userId: number) =>
    (await api('GET', `/v1/users/${userId}/balance`)).body as {
      balance: number;
      held: number;
      available: number;
    };

  beforeAll(async () => {
    h = await createHarness({ env: { HOLD_DEFAULT_TTL_SECONDS: '45' } });
    api = http(h.app);
  });
  afterAll(async () => h?.close());

  it('lasts HOLD_DEFAULT_TTL_SECONDS when the request names no ttlSeconds', async () => {
    const user = await newUser(h, { balance: 100 });
    const before = Date.now();
    const { expiresAt } = await hold(user.id, 10);
    const seconds = (Date.parse(expiresAt) - before) / 1000;
    expect(seconds).toBeGreaterThan(40);
    expect(seconds).toBeLessThan(50);
    const named = await hold(user.id, 10, 300);
    expect((Date.parse(named.expiresAt) - before) / 1000).toBeGreaterThan(290);
  });

  it('answers a keyless post again by replaying it, and a different one on its own', async () => {
    const user = await newUser(h, { balance: 500 });
    const { holdId } = await hold(user.id, 100);

    const tooMuch = await api('POST', `/v1/admin/holds/${holdId}/post`, { body: { amount: 101 } });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error.code).toBe('hold_amount_exceeded');
    // The refusal stays with that request, not with the hold.
    expect(
      (await api('POST', `/v1/admin/holds/${holdId}/post`, { body: { amount: 101 } })).status,
    ).toBe(422);

    const posted = await api('POST', `/v1/admin/holds/${holdId}/post`, { body: { amount: 40 } });
    expect(posted.status, posted.text).toBe(200);
    expect(posted.body).toMatchObject({ holdId, postedAmount: 40, replayed: false });
    const again = await api('POST', `/v1/admin/holds/${holdId}/post`, { body: { amount: 40 } });
    expect(again.body).toEqual({ ...posted.body, replayed: true });

    const other = await api('POST', `/v1/admin/holds/${holdId}/post`, { body: { amount: 50 } });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('hold_not_active');
    expect(await balance(user.id)).toMatchObject({ balance: 460, held: 0 });
  });

  it('does not let a keyless void of a hold that does not exist yet stick to it', async () => {
    const user = await newUser(h, { balance: 100 });
    const probe = await hold(user.id, 1);
    const next = probe.holdId + 1;
    const early = await api('POST', `/v1/admin/holds/${next}/void`);
    expect(early.status).toBe(404);
    expect(early.body.error.code).toBe('hold_not_found');

    const { holdId } = await hold(user.id, 30);
    expect(holdId).toBe(next);
    const voided = await api('POST', `/v1/admin/holds/${holdId}/void`);
    expect(voided.status, voided.text).toBe(200);
    expect(voided.body).toEqual({ holdId, replayed: false });
    expect((await api('POST', `/v1/admin/holds/${holdId}/void`)).body).toEqual({
      holdId,
      replayed: true,
    });
    expect(await balance(user.id)).toMatchObject({ held: 1 });
  });

  it("keeps a caller's keys apart from the keys the service makes for itself", async () => {
    const user = await newUser(h, { balance: 100 });
    const probe = await hold(user.id, 1);
    const next = probe.holdId + 1;
    // The key a keyless void of the next hold uses inside the service, sent by a caller.
    const grant = await api('POST', '/v1/admin/grants', {
      body: { userId: user.id, amount: 5, reason: 'x' },
      headers: { 'idempotency-key': `hold:${next}:void` },
    });
    expect(grant.status).toBe(201);

    const { holdId } = await hold(user.id, 20);
    expect(holdId).toBe(next);
    const voided = await api('POST', `/v1/admin/holds/${holdId}/void`);
    expect(voided.status, voided.text).toBe(200);
    expect(voided.body.replayed).toBe(false);
    expect(await balance(user.id)).toMatchObject({ balance: 105, held: 1 });
  });
});
