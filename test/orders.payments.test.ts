// Paid course orders through the sandbox provider: partial points payment (held, then
// posted), failed payment and timeout (hold released), signed webhooks (bad signature → 401
// and nothing changes; replays have no second effect), pending purchase points, refunds
// (twenty concurrent requests → exactly one refund).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createHarness,
  type Harness,
  expectLedgerOk,
  stackWithClock,
  uniqueKey,
  newUser,
  type Stack,
} from './support/harness.js';
import { DAY, MINUTE } from '../src/shared/clock.js';
import { query, queryOne } from '../src/db/sql.js';

let h: Harness;
let st: Stack;
beforeAll(async () => {
  h = await createHarness({ poolMax: 30 });
  st = await stackWithClock(h);
});
afterAll(async () => h?.close());
afterEach(async () => {
  await expectLedgerOk(st.s);
  st.clock.set(new Date());
});

const buy = (userId: number, body: Record<string, unknown>, key = uniqueKey('buy')) =>
  st.api('POST', `/v1/users/${userId}/orders`, { body, headers: { 'idempotency-key': key } });
const refOf = (payUrl: string) => new URL(payUrl).pathname.split('/').pop()!;
/** The pay page, or one of its actions, as the pay link (with its token) addresses it. */
const payPath = (payUrl: string, action?: 'succeed' | 'fail') => {
  const u = new URL(payUrl);
  return `${u.pathname}${action ? `/${action}` : ''}${u.search}`;
};
const snapshot = async () => ({
  ledger: (await st.s.ledgerQueries.verify()).totals,
  orders: await query(st.s.em, `select id, status, paid_at from shop_order order by id`),
  enrollments: await query(st.s.em, `select id, status from enrollment order by id`),
});

describe('paid course orders', () => {
  it('partial points payment: points held during payment, then posted; enrollment and pending earned points', async () => {
    const u = await newUser(st, { balance: 10000 });
    const max = await st.api('GET', `/v1/users/${u.id}/checkout-quote?course=python-basics`);
    expect(max.body).toMatchObject({
      priceFen: 19900,
      maxPoints: 5970,
      usablePoints: 5970,
      amountFenWithMaxPoints: 13930,
    });
    expect((await buy(u.id, { courseSlug: 'python-basics', points: 5971 })).status).toBe(400);
    const o = await buy(u.id, { courseSlug: 'python-basics', points: 5970 }, 'buy-k1');
    expect(o.status).toBe(201);
    expect(o.body).toMatchObject({
      status: 'pending_payment',
      amountFen: 13930,
      pointsCharged: 5970,
      priceFen: 19900,
    });
    expect(o.body.payUrl).toMatch(/\/sandbox\/pay\/sbx_/);
    expect(
      (await buy(u.id, { courseSlug: 'python-basics', points: 5970 }, 'buy-k1')).body.orderId,
    ).toBe(o.body.orderId);
    expect((await buy(u.id, { courseSlug: 'python-basics' })).body.error.code).toBe(
      'order_pending',
    );
    expect(await st.s.account.balance(u.id)).toMatchObject({
      balance: 10000,
      held: 5970,
      available: 4030,
    });

    // The payer opens the hosted page and pays; the provider posts its signed webhook to us.
    const page = await st.app.request(payPath(o.body.payUrl));
    expect(await page.text()).toContain('¥139.30');
    const paid = await st.app.request(payPath(o.body.payUrl, 'succeed'), { method: 'POST' });
    expect(paid.status).toBe(200);
    const order = (await st.api('GET', `/v1/users/${u.id}/orders/${o.body.orderId}`)).body;
    expect(order).toMatchObject({ status: 'paid', payUrl: null });
    expect(Date.parse(order.refundableUntil) - Date.parse(order.paidAt)).toBe(7 * DAY);
    // 5 points per ¥1 paid: ¥139.30 → 696 points, pending during the refund window.
    expect(await st.s.account.balance(u.id)).toMatchObject({
      balance: 4030,
      held: 0,
      pending: 696,
    });
    expect((await st.api('GET', `/v1/users/${u.id}/enrollments`)).body.items[0]).toMatchObject({
      slug: 'python-basics',
      source: 'paid',
    });
    expect((await buy(u.id, { courseSlug: 'python-basics' })).body.error.code).toBe(
      'already_enrolled',
    );

    st.clock.advance(7 * DAY + MINUTE);
    expect((await st.api('POST', '/v1/admin/jobs/run')).body.released).toBeGreaterThanOrEqual(1);
    expect(await st.s.account.balance(u.id)).toMatchObject({ balance: 4726, pending: 0 });
    expect(
      (await st.api('POST', `/v1/users/${u.id}/orders/${o.body.orderId}/refund`)).body.error.code,
    ).toBe('refund_not_allowed');
  });

  it('a failed payment releases the held points and the coupon', async () => {
    const u = await newUser(st, { balance: 5000 });
    const c = await st.api('POST', `/v1/users/${u.id}/redemptions`, {
      body: { kind: 'item', slug: 'coupon-20' },
      headers: { 'idempotency-key': uniqueKey() },
    });
    const coupon = c.body.couponCodes[0];
    const o = await buy(u.id, { courseSlug: 'sql-databases', points: 1000, couponCode: coupon });
    expect(o.body).toMatchObject({ amountFen: 17900 - 1000 - 2000, couponFen: 2000 });
    expect((await buy(u.id, { courseSlug: 'ux-design', couponCode: coupon })).body.error.code).toBe(
      'invalid_input',
    );
    expect((await st.s.account.balance(u.id)).held).toBe(1000);
    await st.app.request(payPath(o.body.payUrl, 'fail'), { method: 'POST' });
    expect((await st.api('GET', `/v1/users/${u.id}/orders/${o.body.orderId}`)).body.status).toBe(
      'failed',
    );
    // Pay pressed afterwards on the same (still valid) link: the provider refuses the closed payment.
    expect(
      (await st.app.request(payPath(o.body.payUrl, 'succeed'), { method: 'POST' })).status,
    ).toBe(409);
    expect(await st.s.account.balance(u.id)).toMatchObject({ balance: 3000, held: 0 });
    const again = await buy(u.id, {
      courseSlug: 'sql-databases',
      points: 1000,
      couponCode: coupon,
    });
    expect(again.status).toBe(201);
  });

  it('a payment that times out is closed at the provider and releases the held points', async () => {
    const u = await newUser(st, { balance: 5000 });
    const o = await buy(u.id, { courseSlug: 'time-management', points: 2000 });
    st.clock.advance(14 * MINUTE);
    await st.s.checkout.expireUnpaid();
    expect((await st.s.account.balance(u.id)).held).toBe(2000);
    st.clock.advance(2 * MINUTE);
    expect((await st.s.checkout.expireUnpaid()).expired).toBeGreaterThanOrEqual(1);
    expect((await st.api('GET', `/v1/users/${u.id}/orders/${o.body.orderId}`)).body.status).toBe(
      'expired',
    );
    expect(await st.s.account.balance(u.id)).toMatchObject({ balance: 5000, held: 0 });
    // The payer comes back too late: the pay link has expired with the payment.
    const late = await st.app.request(payPath(o.body.payUrl, 'succeed'), { method: 'POST' });
    expect(late.status).toBe(403);
    expect((await late.json()).error).toMatchObject({
      code: 'pay_token_invalid',
      details: { reason: 'expired' },
    });
    expect((await st.api('GET', `/v1/users/${u.id}/orders/${o.body.orderId}`)).body.status).toBe(
      'expired',
    );
  });

  it('a late success webhook for an expired order refunds the money instead of enrolling', async () => {
    const u = await newUser(st, { balance: 0 });
    const o = await buy(u.id, { courseSlug: 'time-management' });
    const ref = refOf(o.body.payUrl);
    const late = JSON.stringify({
      id: 'evt_late_1',
      type: 'payment.succeeded',
      created: st.clock.now().toISOString(),
      data: { ref, merchantOrderId: `xf-order-${o.body.orderId}`, amountFen: 6900 },
    });
    await query(st.s.em, `update sandbox_charge set status = 'succeeded' where ref = ?`, [ref]);
    await st.s.checkout.expireUnpaid(); // provider says succeeded: we wait for the webhook
    st.clock.advance(16 * MINUTE);
    await query(st.s.em, `update shop_order set status = 'expired' where id = ?`, [o.body.orderId]);
    const res = await st.api('POST', '/v1/payments/webhook', {
      rawBody: late,
      headers: await st.s.sandbox!.sign(late),
      key: null,
    });
    expect(res.body).toMatchObject({ outcome: 'late_payment_refunded' });
    const charge = await queryOne<{ refunded_fen: string }>(
      st.s.em,
      `select refunded_fen from sandbox_charge where ref = ?`,
      [ref],
    );
    expect(Number(charge!.refunded_fen)).toBe(6900);
    expect((await st.api('GET', `/v1/users/${u.id}/enrollments`)).body.items).toEqual([]);
  });
});

describe('webhook security', () => {
  it('a bad signature → 401 and nothing changes; a stale timestamp → 401; a replay has no second effect', async () => {
    const u = await newUser(st, { balance: 3000 });
    const o = await buy(u.id, { courseSlug: 'personal-finance', points: 2970 });
    const hook = await st.s.sandbox!.settle(refOf(o.body.payUrl), 'succeeded');
    const before = await snapshot();
    const tampered = hook.rawBody.replace('"amountFen":6930', '"amountFen":1');
    for (const attempt of [
      { rawBody: tampered, headers: hook.headers },
      {
        rawBody: hook.rawBody,
        headers: {
          ...hook.headers,
          'x-sandbox-signature': hook.headers['x-sandbox-signature']!.replace(
            /v1=(.)/,
            (_m, c: string) => `v1=${c === '0' ? '1' : '0'}`,
          ),
        },
      },
      { rawBody: hook.rawBody, headers: { 'content-type': 'application/json' } },
    ]) {
      const res = await st.api('POST', '/v1/payments/webhook', { ...attempt, key: null });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_signature');
    }
    const old = Math.floor(st.clock.now().getTime() / 1000) - 3600;
    const stale = await st.api('POST', '/v1/payments/webhook', {
      rawBody: hook.rawBody,
      headers: await st.s.sandbox!.sign(hook.rawBody, old),
      key: null,
    });
    expect(stale.status).toBe(401);
    expect(await snapshot()).toEqual(before);

    const ok = await st.api('POST', '/v1/payments/webhook', {
      rawBody: hook.rawBody,
      headers: hook.headers,
      key: null,
    });
    expect(ok.body).toMatchObject({ received: true, duplicate: false, outcome: 'paid' });
    const afterFirst = await snapshot();
    const replay = await st.api('POST', '/v1/payments/webhook', {
      rawBody: hook.rawBody,
      headers: hook.headers,
      key: null,
    });
    expect(replay.body).toMatchObject({ duplicate: true });
    // Same payment, new event id (providers do resend): still no second effect.
    const resent = hook.rawBody.replace(/"id":"evt_[0-9a-f]+"/, '"id":"evt_resent"');
    const res2 = await st.api('POST', '/v1/payments/webhook', {
      rawBody: resent,
      headers: await st.s.sandbox!.sign(resent),
      key: null,
    });
    expect(res2.body).toMatchObject({ duplicate: false, outcome: 'already_paid' });
    expect(await snapshot()).toEqual(afterFirst);
    expect(await st.s.account.balance(u.id)).toMatchObject({ balance: 30, pending: 346 });
  });
});

describe('refunds', () => {
  it('twenty concurrent refund requests → exactly one refund: money back, points returned, earned points reversed, enrollment revoked', async () => {
    const u = await newUser(st, { balance: 8000 });
    const o = await buy(u.id, { courseSlug: 'data-analysis-pandas', points: 8000 });
    await st.app.request(payPath(o.body.payUrl, 'succeed'), { method: 'POST' });
    expect(await st.s.account.balance(u.id)).toMatchObject({ balance: 0, pending: 1095 });
    st.clock.advance(3 * DAY);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        st.api('POST', `/v1/users/${u.id}/orders/${o.body.orderId}/refund`, {
          body: { reason: 'changed my mind' },
        }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(
      results
        .filter((r) => r.status === 409)
        .every((r) => r.body.error.code === 'refund_not_allowed'),
    ).toBe(true);
    const done = results.find((r) => r.status === 200)!.body;
    expect(done).toMatchObject({
      status: 'refunded',
      refundedFen: 21900,
      pointsReturned: 8000,
      pointsReversed: 1095,
    });
    expect(await st.s.account.balance(u.id)).toMatchObject({ balance: 8000, pending: 0 });
    const charge = await queryOne<{ refunded_fen: string }>(
      st.s.em,
      `select refunded_fen from sandbox_charge where ref = ?`,
      [refOf(o.body.payUrl)],
    );
    expect(Number(charge!.refunded_fen)).toBe(21900);
    expect((await st.api('GET', `/v1/users/${u.id}/enrollments`)).body.items).toEqual([]);
    const order = (await st.api('GET', `/v1/users/${u.id}/orders/${o.body.orderId}`)).body;
    expect(order.status).toBe('refunded');
    st.clock.advance(5 * DAY);
    expect((await st.api('POST', '/v1/admin/jobs/run')).status).toBe(200);
    expect(await st.s.account.balance(u.id)).toMatchObject({ balance: 8000, pending: 0 });
  });
});
