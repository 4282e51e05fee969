// Who can pay through the sandbox (issue 17, defect 3): only the holder of the pay link the order
// returned. Its token is bound to the payment and expires with it; without it (missing, forged,
// expired, another order's) the page and its Pay/Cancel answer 403 and nothing changes. The link
// the chat assistant hands out works end to end.
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
import { MINUTE } from '../src/shared/clock.js';
import { query } from '../src/db/sql.js';

let h: Harness;
let st: Stack;
beforeAll(async () => {
  h = await createHarness();
  st = await stackWithClock(h);
});
afterAll(async () => h?.close());
afterEach(async () => {
  await expectLedgerOk(st.s);
  st.clock.set(new Date());
});

const buy = (userId: number, body: Record<string, unknown>) =>
  st.api('POST', `/v1/users/${userId}/orders`, {
    body,
    headers: { 'idempotency-key': uniqueKey('buy') },
  });
const parts = (payUrl: string) => {
  const u = new URL(payUrl);
  return { path: u.pathname, token: u.searchParams.get('token') };
};
const press = (
  path: string,
  action: 'succeed' | 'fail',
  token?: string | null,
  accept = 'application/json',
) =>
  st.app.request(`${path}/${action}${token == null ? '' : `?token=${encodeURIComponent(token)}`}`, {
    method: 'POST',
    headers: { accept },
  });
/** Everything a payment could change: orders, charges, enrollments, wallet, ledger totals. */
const snapshot = async (userId: number) => ({
  orders: await query(st.s.em, `select id, status, paid_at from shop_order order by id`),
  charges: await query(st.s.em, `select ref, status from sandbox_charge order by ref`),
  enrollments: await query(st.s.em, `select id, status from enrollment order by id`),
  payments: await query(st.s.em, `select event_id from payment_event order by event_id`),
  wallet: await st.s.account.balance(userId),
  ledger: (await st.s.ledgerQueries.verify()).totals,
});

describe('the sandbox pay link', () => {
  it('carries a token; the page and its buttons act only with it', async () => {
    const u = await newUser(st, { balance: 3000 });
    const o = await buy(u.id, { courseSlug: 'personal-finance', points: 2970 });
    expect(o.status).toBe(201);
    const { path, token } = parts(o.body.payUrl);
    expect(path).toMatch(/^\/sandbox\/pay\/sbx_[0-9a-f]{32}$/);
    expect(token).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
    // The token lives exactly as long as the payment.
    expect(Number(token!.split('.')[0]) * 1000).toBe(
      Math.floor(Date.parse(o.body.paymentExpiresAt) / 1000) * 1000,
    );

    const before = await snapshot(u.id);
    const forgedSig = `${token!.split('.')[0]}.${'A'.repeat(43)}`;
    const longerLife = `${Number(token!.split('.')[0]) + 86400}.${token!.split('.')[1]}`;
    for (const [bad, reason] of [
      [null, 'missing'],
      ['', 'missing'],
      ['nonsense', 'malformed'],
      [forgedSig, 'forged'],
      [longerLife, 'forged'],
    ] as const) {
      for (const action of ['succeed', 'fail'] as const) {
        const res = await press(path, action, bad);
        expect(res.status).toBe(403);
        expect((await res.json()).error).toMatchObject({
          code: 'pay_token_invalid',
          details: { reason },
        });
      }
      const pageRes = await st.app.request(`${path}${bad == null ? '' : `?token=${bad}`}`, {
        headers: { accept: 'text/html' },
      });
      expect(pageRes.status).toBe(403);
      const html = await pageRes.text();
      expect(html).toContain('Payment link not valid');
      expect(html).not.toContain('¥69.30');
    }
    expect(await snapshot(u.id)).toEqual(before);

    // With the link: the page shows the amount, and its Pay button (with the token) pays.
    const page = await st.app.request(`${path}?token=${token}`, {
      headers: { accept: 'text/html' },
    });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('¥69.30');
    const actions = [...html.matchAll(/action="([^"]+)"/g)].map((m) =>
      m[1]!.replace(/&#38;/g, '&'),
    );
    expect(actions).toEqual([`${path}/succeed?token=${token}`, `${path}/fail?token=${token}`]);
    const paid = await st.app.request(actions[0]!, { method: 'POST' });
    expect(paid.status).toBe(200);
    expect((await st.api('GET', `/v1/users/${u.id}/orders/${o.body.orderId}`)).body).toMatchObject({
      status: 'paid',
    });
    expect(await st.s.account.balance(u.id)).toMatchObject({ balance: 30, held: 0, pending: 346 });
  });

  it("refuses another order's token, and an expired one, changing nothing", async () => {
    const a = await newUser(st, { balance: 0 });
    const b = await newUser(st, { balance: 2000 });
    const oa = await buy(a.id, { courseSlug: 'time-management' });
    const ob = await buy(b.id, { courseSlug: 'time-management', points: 2000 });
    const pa = parts(oa.body.payUrl);
    const pb = parts(ob.body.payUrl);
    expect(pa.token).not.toBe(pb.token);

    // A's own link cannot pay B's order (same amount, same course, same expiry second or not).
    const before = await snapshot(b.id);
    for (const action of ['succeed', 'fail'] as const) {
      const res = await press(pb.path, action, pa.token);
      expect(res.status).toBe(403);
      expect((await res.json()).error.details.reason).toBe('forged');
    }
    expect(await snapshot(b.id)).toEqual(before);

    // Past the payment's time the link is dead, even before the timeout job has run.
    st.clock.advance(15 * MINUTE + 1000);
    const late = await press(pb.path, 'succeed', pb.token, 'text/html');
    expect(late.status).toBe(403);
    expect(late.headers.get('content-type')).toMatch(/text\/html/);
    expect(await late.text()).toContain('this pay link has expired');
    expect(await snapshot(b.id)).toEqual(before);
    expect((await st.api('GET', `/v1/users/${b.id}/orders/${ob.body.orderId}`)).body.status).toBe(
      'pending_payment',
    );

    // A's link still pays A's order while it lives.
    st.clock.advance(-(15 * MINUTE + 1000));
    expect((await press(pa.path, 'succeed', pa.token)).status).toBe(200);
    expect((await st.api('GET', `/v1/users/${a.id}/orders/${oa.body.orderId}`)).body.status).toBe(
      'paid',
    );
  });

  it('the link the chat assistant gives out opens the page and pays', async () => {
    const ext = uniqueKey('tg');
    const chat = await st.api('POST', '/v1/chat', {
      body: {
        user: { channel: 'telegram', externalId: ext },
        text: 'buy the deep learning course',
      },
    });
    expect(chat.status).toBe(200);
    expect(chat.body.intent).toBe('buy_course');
    const replies: { buttons?: { url?: string }[] }[] = chat.body.replies;
    const url = replies.flatMap((r) => r.buttons ?? []).find((b) => b.url)!.url!;
    const { path, token } = parts(url);
    expect(token).toBeTruthy();
    expect(chat.body.replies[0].text).toContain(url);
    const page = await st.app.request(`${path}?token=${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('¥499.00');
    expect((await press(path, 'succeed', null)).status).toBe(403);
    expect((await press(path, 'succeed', token)).status).toBe(200);
    const userId = (
      await st.api('POST', '/v1/users', { body: { channel: 'telegram', externalId: ext } })
    ).body.id;
    expect(
      (await st.api('GET', `/v1/users/${userId}/enrollments`)).body.items.map(
        (e: { slug: string }) => e.slug,
      ),
    ).toEqual(['deep-learning']);
  });
});
