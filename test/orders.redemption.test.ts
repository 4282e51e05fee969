// Points redemptions: courses (idempotent, already enrolled, VIP-free, members-only, tier
// discounts, quotes), mall items (stock race, per-user limits under concurrency, quantity,
// coupon codes, VIP trial, physical order status and cancellation).
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
import { queryOne } from '../src/db/sql.js';

let h: Harness;
let st: Stack;
const ADDRESS = { name: '张三', phone: '+86 138 0000 0000', line1: '朝阳路 1 号', city: '北京' };
beforeAll(async () => {
  h = await createHarness({ poolMax: 30 });
  st = await stackWithClock(h);
});
afterAll(async () => h?.close());
afterEach(async () => {
  await expectLedgerOk(st.s);
});

const redeem = (userId: number, body: Record<string, unknown>, key = uniqueKey('r')) =>
  st.api('POST', `/v1/users/${userId}/redemptions`, { body, headers: { 'idempotency-key': key } });

describe('course redemption', () => {
  it('enrolls, charges once per key, and refuses a second enrollment without charging', async () => {
    const u = await newUser(st, { balance: 50000 });
    const first = await redeem(u.id, { kind: 'course', slug: 'python-basics' }, 'course-k1');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ pointsCharged: 19900, balance: 30100 });
    const replay = await redeem(u.id, { kind: 'course', slug: 'python-basics' }, 'course-k1');
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const again = await redeem(u.id, { kind: 'course', slug: 'python-basics' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_enrolled');
    expect((await st.s.account.balance(u.id)).balance).toBe(30100);
    expect(
      (await st.api('GET', `/v1/users/${u.id}/enrollments`)).body.items.map(
        (e: { slug: string }) => e.slug,
      ),
    ).toEqual(['python-basics']);
    const other = await redeem(u.id, { kind: 'course', slug: 'sql-databases' }, 'course-k1');
    expect(other.body.error.code).toBe('idempotency_conflict');
  });

  it('refuses with insufficient_points and changes nothing', async () => {
    const u = await newUser(st, { balance: 100 });
    const res = await redeem(u.id, { kind: 'course', slug: 'deep-learning' });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({
      code: 'insufficient_points',
      details: { required: 49900, available: 100 },
    });
    expect((await st.api('GET', `/v1/users/${u.id}/orders`)).body.items).toEqual([]);
  });

  it('is free for VIP on vip_free courses, discounted by tier, and members-only courses refuse lower tiers', async () => {
    const created = await st.api('POST', '/v1/admin/courses', {
      body: {
        slug: 'vip-masterclass',
        titleZh: 'VIP 大师课',
        titleEn: 'VIP Masterclass',
        category: 'career',
        priceFen: 9900,
        membersOnlyTier: 'vip',
      },
    });
    expect(created.status).toBe(201);
    const u = await newUser(st, { balance: 100000 });
    const refused = await redeem(u.id, { kind: 'course', slug: 'vip-masterclass' });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: 'tier_required',
      details: { required: 'vip', current: 'normal' },
    });
    expect((await redeem(u.id, { kind: 'item', slug: 'vip-trial-7d' })).status).toBe(201);
    const free = await redeem(u.id, { kind: 'course', slug: 'stock-investing' });
    expect(free.body).toMatchObject({ pointsCharged: 0, balance: 95000 });
    const discounted = await redeem(u.id, { kind: 'course', slug: 'vip-masterclass' });
    expect(discounted.body).toMatchObject({ pointsCharged: 7920, discountPct: 20 });
    st.clock.advance(8 * DAY);
    const after = await redeem(u.id, { kind: 'course', slug: 'personal-finance' });
    expect(after.body).toMatchObject({ pointsCharged: 9900, discountPct: 0 });
    st.clock.set(new Date());
  });

  it('charges the quoted price within the quote validity, then refuses the expired quote', async () => {
    const u = await newUser(st, { balance: 40000 });
    const q = await st.api('POST', `/v1/users/${u.id}/quotes`, {
      body: { kind: 'course', slug: 'sql-databases' },
    });
    expect(q.status).toBe(201);
    expect(q.body).toMatchObject({
      pointsTotal: 17900,
      balance: 40000,
      balanceAfter: 22100,
      affordable: true,
      blocked: null,
    });
    await st.api('PATCH', '/v1/admin/courses/sql-databases', { body: { pointsPrice: 25000 } });
    const ok = await redeem(u.id, {
      kind: 'course',
      slug: 'sql-databases',
      quoteId: q.body.quoteId,
    });
    expect(ok.body).toMatchObject({ pointsCharged: 17900 });
    const q2 = await st.api('POST', `/v1/users/${u.id}/quotes`, {
      body: { kind: 'course', slug: 'ux-design' },
    });
    st.clock.advance(11 * MINUTE);
    const late = await redeem(u.id, {
      kind: 'course',
      slug: 'ux-design',
      quoteId: q2.body.quoteId,
    });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('quote_expired');
    const blocked = await st.api('POST', `/v1/users/${u.id}/quotes`, {
      body: { kind: 'course', slug: 'sql-databases' },
    });
    expect(blocked.body).toMatchObject({ quoteId: null, blocked: { code: 'already_enrolled' } });
    await st.api('PATCH', '/v1/admin/courses/sql-databases', { body: { pointsPrice: null } });
  });
});

describe('mall redemption', () => {
  it('100 concurrent redemptions of the 5 headphones → exactly 5 orders and stock 0', async () => {
    const users = await Promise.all(
      Array.from({ length: 100 }, () => newUser(st, { balance: 60000 })),
    );
    const results = await Promise.all(
      users.map((u) => redeem(u.id, { kind: 'item', slug: 'headphones', address: ADDRESS })),
    );
    const codes = results.map((r) => (r.status === 201 ? 'ok' : r.body.error.code));
    expect(codes.filter((c) => c === 'ok')).toHaveLength(5);
    expect(codes.filter((c) => c !== 'ok').every((c) => c === 'out_of_stock')).toBe(true);
    expect((await st.api('GET', '/v1/mall/items/headphones')).body.stock).toBe(0);
    const orders = await queryOne<{ n: string }>(
      st.s.em,
      `select count(*) as n from shop_order o join mall_item i on i.id = o.item_id where i.slug = 'headphones'`,
    );
    expect(Number(orders!.n)).toBe(5);
    const paid = await Promise.all(users.map((u) => st.s.account.balance(u.id)));
    expect(paid.filter((b) => b.balance === 0)).toHaveLength(5);
    expect(paid.filter((b) => b.balance === 60000)).toHaveLength(95);
  });

  it('per-user limits hold under concurrency (thermos cup: 2 per person)', async () => {
    const u = await newUser(st, { balance: 100000 });
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        redeem(u.id, { kind: 'item', slug: 'thermos-cup', address: ADDRESS }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(2);
    expect(
      results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'limit_reached'),
    ).toBe(true);
    expect((await st.s.account.balance(u.id)).balance).toBe(94000);
    const both = await Promise.all(
      [1, 2].map(() =>
        redeem(u.id, { kind: 'item', slug: 'notebook', quantity: 3, address: ADDRESS }),
      ),
    );
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  it('issues unique coupon codes per unit and grants the VIP trial for 7 days', async () => {
    const u = await newUser(st, { balance: 20000 });
    const c = await redeem(u.id, { kind: 'item', slug: 'coupon-20', quantity: 3 });
    expect(c.status).toBe(201);
    expect(c.body.pointsCharged).toBe(6000);
    expect(new Set(c.body.couponCodes).size).toBe(3);
    const trial = await redeem(u.id, { kind: 'item', slug: 'vip-trial-7d' });
    expect(Date.parse(trial.body.trialUntil) - st.clock.now().getTime()).toBe(7 * DAY);
    expect((await st.api('GET', `/v1/users/${u.id}/membership`)).body).toMatchObject({
      tier: 'vip',
      trial: { tier: 'vip' },
    });
    expect((await redeem(u.id, { kind: 'item', slug: 'vip-trial-7d' })).body.error.code).toBe(
      'limit_reached',
    );
    st.clock.advance(7 * DAY + 1);
    expect((await st.api('GET', `/v1/users/${u.id}/membership`)).body.tier).toBe('normal');
    await st.s.membership.runDaily();
    const hist = (await st.api('GET', `/v1/users/${u.id}/membership`)).body.history;
    expect(hist[0]).toMatchObject({ from: 'vip', to: 'normal', reason: 'trial_ended' });
    st.clock.set(new Date());
  });

  it('physical orders need an address and go placed → shipped → delivered; cancelling returns points and stock', async () => {
    const u = await newUser(st, { balance: 10000 });
    const noAddress = await redeem(u.id, { kind: 'item', slug: 'tote-bag' });
    expect(noAddress.status).toBe(400);
    const stock0 = (await st.api('GET', '/v1/mall/items/tote-bag')).body.stock;
    const o = await redeem(u.id, { kind: 'item', slug: 'tote-bag', address: ADDRESS });
    expect(o.body.status).toBe('placed');
    expect(
      (
        await st.api('POST', `/v1/admin/orders/${o.body.orderId}/status`, {
          body: { status: 'delivered' },
        })
      ).body.error.code,
    ).toBe('invalid_state');
    expect(
      (
        await st.api('POST', `/v1/admin/orders/${o.body.orderId}/status`, {
          body: { status: 'shipped', note: 'SF123' },
        })
      ).body.status,
    ).toBe('shipped');
    expect(
      (await st.api('POST', `/v1/users/${u.id}/orders/${o.body.orderId}/cancel`)).body.error.code,
    ).toBe('invalid_state');
    expect(
      (
        await st.api('POST', `/v1/admin/orders/${o.body.orderId}/status`, {
          body: { status: 'delivered' },
        })
      ).body.status,
    ).toBe('delivered');
    const o2 = await redeem(u.id, { kind: 'item', slug: 'tote-bag', address: ADDRESS });
    expect((await st.s.account.balance(u.id)).balance).toBe(7000);
    const cancelled = await st.api('POST', `/v1/users/${u.id}/orders/${o2.body.orderId}/cancel`);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await st.s.account.balance(u.id)).balance).toBe(8500);
    expect((await st.api('GET', '/v1/mall/items/tote-bag')).body.stock).toBe(stock0 - 1);
    const list = await st.api('GET', `/v1/users/${u.id}/orders`);
    expect(list.body.items.map((i: { status: string }) => i.status)).toEqual([
      'cancelled',
      'delivered',
    ]);
    expect(list.body.items[1].statusHistory.map((s: { status: string }) => s.status)).toEqual([
      'placed',
      'shipped',
      'delivered',
    ]);
  });
});
