// Bad input on every business route → a clear 4xx JSON error, and nothing changes.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHarness,
  newUser,
  SERVICE_KEY,
  stackWithClock,
  uniqueKey,
  type Harness,
  type Stack,
} from './support/harness.js';
import { query } from '../src/db/sql.js';

let h: Harness;
let st: Stack;
let U: number;
let ORDER: number;
beforeAll(async () => {
  h = await createHarness();
  st = await stackWithClock(h);
  U = (await newUser(st, { balance: 2500 })).id;
  ORDER = (
    await st.s.orders.redeem({ userId: U, key: 'seed-order', kind: 'item', slug: 'ebook-habits' })
  ).orderId;
});
afterAll(async () => h?.close());

const snapshot = async () => {
  const r = await st.s.ledgerQueries.verify();
  expect(r.violations).toEqual([]);
  const counts = await query(
    st.s.em,
    `select (select count(*) from shop_order) as orders, (select count(*) from enrollment) as enrollments, (select count(*) from reward_award) as awards,
            (select count(*) from checkin) as checkins, (select count(*) from referral) as referrals, (select count(*) from moderator_grant) as grants,
            (select count(*) from moderator_role) as roles, (select count(*) from course) as courses, (select count(*) from mall_item) as items,
            (select sum(coalesce(stock, 0)) from mall_item) as stock, (select count(*) from learning_event) as events, (select count(*) from link_code) as codes,
            (select count(*) from course_review) as reviews, (select count(*) from payment_event) as payment_events, (select count(*) from redeem_quote) as quotes,
            (select md5(string_agg(code || coalesce(amount::text, '') || coalesce(daily_limit::text, ''), ',' order by code)) from earning_rule) as rules`,
  );
  return { totals: r.totals, counts: counts[0] };
};

const idem = { 'idempotency-key': 'bad-input-key' };
type Case = [
  string,
  string,
  string,
  { body?: unknown; rawBody?: string; headers?: Record<string, string>; key?: string | null },
  number,
  string?,
];
const cases: Case[] = [
  ['courses: bad category', 'GET', '/v1/courses?category=DROP%20TABLE', {}, 400],
  ['courses: no key', 'GET', '/v1/courses', { key: null }, 401],
  ['course: unknown slug', 'GET', '/v1/courses/no-such-course', {}, 404, 'course_not_found'],
  ['course: bad slug', 'GET', '/v1/courses/Bad%20Slug', {}, 400],
  ['mall: bad kind', 'GET', '/v1/mall/items?kind=weapons', {}, 400],
  ['mall item: unknown', 'GET', '/v1/mall/items/unicorn', {}, 404, 'item_not_found'],
  [
    'redeem: no idempotency key',
    'POST',
    '/v1/users/U/redemptions',
    { body: { kind: 'course', slug: 'python-basics' } },
    400,
  ],
  [
    'redeem: bad kind',
    'POST',
    '/v1/users/U/redemptions',
    { body: { kind: 'car', slug: 'python-basics' }, headers: idem },
    400,
  ],
  [
    'redeem: quantity 0',
    'POST',
    '/v1/users/U/redemptions',
    { body: { kind: 'item', slug: 'notebook', quantity: 0 }, headers: idem },
    400,
  ],
  [
    'redeem: quantity fractional',
    'POST',
    '/v1/users/U/redemptions',
    { body: { kind: 'item', slug: 'notebook', quantity: 1.5 }, headers: idem },
    400,
  ],
  [
    'redeem: extra field',
    'POST',
    '/v1/users/U/redemptions',
    { body: { kind: 'course', slug: 'python-basics', price: 0 }, headers: idem },
    400,
  ],
  [
    'redeem: address not an object',
    'POST',
    '/v1/users/U/redemptions',
    { body: { kind: 'item', slug: 'notebook', address: 'x' }, headers: idem },
    400,
  ],
  [
    'redeem: unknown user',
    'POST',
    '/v1/users/987654321/redemptions',
    { body: { kind: 'course', slug: 'python-basics' }, headers: idem },
    404,
    'user_not_found',
  ],
  [
    'redeem: unknown course',
    'POST',
    '/v1/users/U/redemptions',
    { body: { kind: 'course', slug: 'nope' }, headers: idem },
    404,
    'course_not_found',
  ],
  [
    'redeem: physical without address',
    'POST',
    '/v1/users/U/redemptions',
    { body: { kind: 'item', slug: 'notebook' }, headers: idem },
    400,
  ],
  [
    'redeem: too expensive',
    'POST',
    '/v1/users/U/redemptions',
    { body: { kind: 'course', slug: 'deep-learning' }, headers: idem },
    422,
    'insufficient_points',
  ],
  [
    'redeem: course quantity 2',
    'POST',
    '/v1/users/U/redemptions',
    { body: { kind: 'course', slug: 'python-basics', quantity: 2 }, headers: idem },
    400,
  ],
  [
    'redeem: unknown quote',
    'POST',
    '/v1/users/U/redemptions',
    { body: { kind: 'item', slug: 'coupon-20', quoteId: 'q_nope' }, headers: idem },
    404,
    'quote_not_found',
  ],
  [
    'redeem: not JSON',
    'POST',
    '/v1/users/U/redemptions',
    { rawBody: '{"kind":', headers: idem },
    400,
  ],
  [
    'quote: bad slug',
    'POST',
    '/v1/users/U/quotes',
    { body: { kind: 'item', slug: '../etc' } },
    400,
  ],
  ['orders: bad limit', 'GET', '/v1/users/U/orders?limit=0', {}, 400],
  ["order: someone else's", 'GET', '/v1/users/987654321/orders/ORDER', {}, 404],
  ['checkins: unknown user', 'POST', '/v1/users/987654321/checkins', {}, 404, 'user_not_found'],
  ['checkins: bad id', 'POST', '/v1/users/abc/checkins', {}, 400],
  ['membership: bad id', 'GET', '/v1/users/-4/membership', {}, 400],
  ['membership: unknown user', 'GET', '/v1/users/987654321/membership', {}, 404],
  ['leaderboard: bad period', 'GET', '/v1/leaderboard?period=year', {}, 400],
  ['leaderboard: bad community', 'GET', '/v1/leaderboard?community=slack:1', {}, 400],
  [
    'events: no key',
    'POST',
    '/v1/events',
    { body: { type: 'quiz.passed', userId: 1, data: { quizId: 'a' } } },
    400,
  ],
  [
    'events: unknown type',
    'POST',
    '/v1/events',
    { body: { type: 'points.free', userId: 1, data: {} }, headers: idem },
    400,
  ],
  [
    'events: missing data',
    'POST',
    '/v1/events',
    { body: { type: 'quiz.passed', userId: 1 }, headers: idem },
    400,
  ],
  [
    'events: negative amount',
    'POST',
    '/v1/events',
    {
      body: { type: 'purchase.completed', userId: 1, data: { purchaseId: 'x', amountFen: -5 } },
      headers: idem,
    },
    400,
  ],
  [
    'events: unknown user',
    'POST',
    '/v1/events',
    { body: { type: 'quiz.passed', userId: 987654321, data: { quizId: 'a' } }, headers: idem },
    404,
  ],
  [
    'paid order: points over 30%',
    'POST',
    '/v1/users/U/orders',
    { body: { courseSlug: 'python-basics', points: 999999 }, headers: idem },
    400,
  ],
  [
    'paid order: unknown coupon',
    'POST',
    '/v1/users/U/orders',
    { body: { courseSlug: 'python-basics', couponCode: 'XF-NOPE-NOPE' }, headers: idem },
    400,
  ],
  [
    'paid order: negative points',
    'POST',
    '/v1/users/U/orders',
    { body: { courseSlug: 'python-basics', points: -1 }, headers: idem },
    400,
  ],
  [
    'refund: points order',
    'POST',
    '/v1/users/U/orders/ORDER/refund',
    {},
    409,
    'refund_not_allowed',
  ],
  ['refund: unknown order', 'POST', '/v1/users/U/orders/99999999/refund', {}, 404],
  ['cancel: digital order', 'POST', '/v1/users/U/orders/ORDER/cancel', {}, 409, 'invalid_state'],
  ['checkout quote: missing course', 'GET', '/v1/users/U/checkout-quote', {}, 400],
  [
    'review: rating 6',
    'POST',
    '/v1/users/U/reviews',
    { body: { courseSlug: 'python-basics', rating: 6 } },
    400,
  ],
  [
    'review: not enrolled',
    'POST',
    '/v1/users/U/reviews',
    { body: { courseSlug: 'python-basics', rating: 5 } },
    403,
    'not_enrolled',
  ],
  ['referral: short code', 'POST', '/v1/users/U/referral', { body: { code: 'x' } }, 400],
  [
    'referral: unknown code',
    'POST',
    '/v1/users/U/referral',
    { body: { code: 'ZZZZZZZZ' } },
    409,
    'referral_rejected',
  ],
  [
    'link: unknown code',
    'POST',
    '/v1/users/U/link',
    { body: { code: 'ABCDEFGH' } },
    404,
    'link_code_invalid',
  ],
  ['link: missing code', 'POST', '/v1/users/U/link', { body: {} }, 400],
  [
    'grant: bad community',
    'POST',
    '/v1/communities/irc:1/grants',
    { body: { moderatorUserId: 1, userId: 1, points: 5, reason: 'x' }, headers: idem },
    400,
  ],
  [
    'grant: not a moderator',
    'POST',
    '/v1/communities/telegram:1/grants',
    { body: { moderatorUserId: 1, userId: 1, points: 5, reason: 'x' }, headers: idem },
    403,
    'not_moderator',
  ],
  [
    'grant: zero points',
    'POST',
    '/v1/communities/telegram:1/grants',
    { body: { moderatorUserId: 1, userId: 1, points: 0, reason: 'x' }, headers: idem },
    400,
  ],
  [
    'members: bad body',
    'POST',
    '/v1/communities/telegram:1/members',
    { body: { userId: 'me' } },
    400,
  ],
  ['earn guide: bad lang', 'GET', '/v1/earn-guide?lang=fr', {}, 400],
  ['history: bad cursor', 'GET', '/v1/users/U/history?cursor=x', {}, 400],
  ['expiry: unknown user', 'GET', '/v1/users/987654321/expiry', {}, 404],
  [
    'webhook: unsigned',
    'POST',
    '/v1/payments/webhook',
    { body: { id: 'evt', type: 'payment.succeeded' }, key: null },
    401,
    'invalid_signature',
  ],
  [
    'admin rules: service key',
    'PATCH',
    '/v1/admin/rules/quiz.passed',
    { body: { amount: 1000 }, key: SERVICE_KEY },
    403,
  ],
  [
    'admin rules: unknown rule',
    'PATCH',
    '/v1/admin/rules/free.money',
    { body: { amount: 1 } },
    404,
    'rule_not_found',
  ],
  [
    'admin rules: negative cap',
    'PATCH',
    '/v1/admin/rules/quiz.passed',
    { body: { dailyLimit: -1 } },
    400,
  ],
  ['admin rules: empty patch', 'PATCH', '/v1/admin/rules/quiz.passed', { body: {} }, 400],
  [
    'admin rules: window backwards',
    'PATCH',
    '/v1/admin/rules/quiz.passed',
    { body: { startsAt: '2030-01-02T00:00:00Z', endsAt: '2030-01-01T00:00:00Z' } },
    400,
  ],
  [
    'admin course: duplicate slug',
    'POST',
    '/v1/admin/courses',
    { body: { slug: 'python-basics', titleZh: 'x', titleEn: 'x', category: 'data', priceFen: 1 } },
    409,
    'already_exists',
  ],
  [
    'admin course: negative price',
    'POST',
    '/v1/admin/courses',
    { body: { slug: 'new-one', titleZh: 'x', titleEn: 'x', category: 'data', priceFen: -1 } },
    400,
  ],
  [
    'admin course: service key',
    'POST',
    '/v1/admin/courses',
    {
      body: { slug: 'new-one', titleZh: 'x', titleEn: 'x', category: 'data', priceFen: 1 },
      key: SERVICE_KEY,
    },
    403,
  ],
  ['admin course: patch unknown', 'PATCH', '/v1/admin/courses/nope', { body: { hot: true } }, 404],
  [
    'admin item: coupon without value',
    'POST',
    '/v1/admin/mall/items',
    { body: { slug: 'c-x', titleZh: 'x', titleEn: 'x', kind: 'coupon', pointsPrice: 5 } },
    400,
  ],
  [
    'admin item: negative stock',
    'PATCH',
    '/v1/admin/mall/items/notebook',
    { body: { stock: -1 } },
    400,
  ],
  ['admin item: delete unknown', 'DELETE', '/v1/admin/mall/items/nope', {}, 404],
  [
    'admin roles: bad community',
    'POST',
    '/v1/admin/roles',
    { body: { userId: 1, community: 'telegram' } },
    400,
  ],
  [
    'admin roles: revoke missing',
    'POST',
    '/v1/admin/roles/revoke',
    { body: { userId: 1, community: 'telegram:9' } },
    404,
  ],
  [
    'admin roles: service key',
    'POST',
    '/v1/admin/roles',
    { body: { userId: 1, community: 'telegram:9' }, key: SERVICE_KEY },
    403,
  ],
  [
    'admin order status: bad status',
    'POST',
    '/v1/admin/orders/ORDER/status',
    { body: { status: 'lost' } },
    400,
  ],
  [
    'admin order status: digital order',
    'POST',
    '/v1/admin/orders/ORDER/status',
    { body: { status: 'shipped' } },
    409,
  ],
  [
    'admin undo: unknown grant',
    'POST',
    '/v1/admin/moderator-grants/99999/undo',
    { body: { reason: 'x' } },
    404,
  ],
  ['admin undo: no reason', 'POST', '/v1/admin/moderator-grants/1/undo', { body: {} }, 400],
  ['admin audit: bad subject', 'GET', '/v1/admin/audit?subject=%27;drop', {}, 400],
  ['sandbox: bad ref', 'GET', '/sandbox/pay/nope', { key: null }, 400],
  [
    'sandbox: unknown ref',
    'POST',
    '/sandbox/pay/sbx_00000000000000000000000000000000/succeed',
    { key: null },
    404,
  ],
];

describe('bad input on the business routes', () => {
  it.each(cases)('%s', async (_name, method, path, opts, status, code) => {
    const before = await snapshot();
    const sub = (v: unknown): unknown => (v === 1 ? U : v);
    const body =
      opts.body && typeof opts.body === 'object'
        ? Object.fromEntries(
            Object.entries(opts.body as object).map(([k, v]) => [
              k,
              k.toLowerCase().endsWith('userid') ? sub(v) : v,
            ]),
          )
        : opts.body;
    const p = path.replace('/users/U/', `/users/${U}/`).replace('ORDER', String(ORDER));
    const res = await st.api(method, p, { ...opts, body });
    expect(res.status, res.text.slice(0, 300)).toBe(status);
    expect(res.body?.error).toMatchObject({
      code: expect.any(String),
      message: expect.any(String),
    });
    if (code) expect(res.body.error.code).toBe(code);
    expect(await snapshot()).toEqual(before);
  });

  it('survives fuzzed redemption and event bodies without a 500 or a change', async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          `/v1/users/${U}/redemptions`,
          '/v1/events',
          `/v1/users/${U}/orders`,
          `/v1/users/${U}/quotes`,
        ),
        fc.anything(),
        async (path, body) => {
          const res = await st.api('POST', path, {
            rawBody: JSON.stringify(body) ?? 'null',
            headers: { 'idempotency-key': uniqueKey('fz') },
          });
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 60 },
    );
    expect(await snapshot()).toEqual(before);
  });
});
