// Two-step redemptions over the API: a quote that holds the points, then confirm (once, however
// often or concurrently asked) or cancel; an unconfirmed quote expires with its hold.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createHarness,
  type Harness,
  expectLedgerOk,
  stackWithClock,
  newUser,
  type Stack,
} from './support/harness.js';
import { MINUTE } from '../src/shared/clock.js';
import { query } from '../src/db/sql.js';

let h: Harness;
let st: Stack;
const ADDRESS = { name: '张三', phone: '+86 138 0000 0000', line1: '朝阳路 1 号', city: '北京' };
beforeAll(async () => {
  h = await createHarness({ poolMax: 20 });
  st = await stackWithClock(h);
});
afterAll(async () => h?.close());
afterEach(async () => {
  st.clock.set(new Date());
  await expectLedgerOk(st.s);
});

const start = (userId: number, body: Record<string, unknown>) =>
  st.api('POST', `/v1/users/${userId}/quotes`, { body: { hold: true, ...body } });
const confirm = (userId: number, quoteId: string) =>
  st.api('POST', `/v1/users/${userId}/quotes/${quoteId}/confirm`);
const cancel = (userId: number, quoteId: string) =>
  st.api('POST', `/v1/users/${userId}/quotes/${quoteId}/cancel`);
const balance = (userId: number) => st.s.ledgerQueries.balance(userId);
const orders = async (userId: number) =>
  (await st.api('GET', `/v1/users/${userId}/orders`)).body.items as { orderId: number }[];

describe('two-step redemption', () => {
  it('start holds the points and confirm redeems them', async () => {
    const u = await newUser(st, { balance: 50_000 });
    const q = await start(u.id, { kind: 'course', slug: 'python-basics' });
    expect(q.status, q.text).toBe(201);
    expect(q.body).toMatchObject({ pointsTotal: 19_900, affordable: true, blocked: null });
    expect(q.body.quoteId).toMatch(/^q_/);
    expect(q.body.holdId).toEqual(expect.any(Number));
    expect(await balance(u.id)).toMatchObject({ balance: 50_000, held: 19_900 });

    const done = await confirm(u.id, q.body.quoteId);
    expect(done.status, done.text).toBe(201);
    expect(done.body).toMatchObject({ kind: 'course', pointsCharged: 19_900, balance: 30_100 });
    expect(await balance(u.id)).toMatchObject({ balance: 30_100, held: 0 });
    const enrolled = (await st.api('GET', `/v1/users/${u.id}/enrollments`)).body.items;
    expect(enrolled.map((e: { slug: string }) => e.slug)).toEqual(['python-basics']);
  });

  it('a physical item is held with its address and shipped to it', async () => {
    const u = await newUser(st, { balance: 10_000 });
    const bare = await start(u.id, { kind: 'item', slug: 'thermos-cup' });
    expect(bare.status).toBe(400);
    expect(await balance(u.id)).toMatchObject({ held: 0 });
    const q = await start(u.id, {
      kind: 'item',
      slug: 'thermos-cup',
      quantity: 2,
      address: ADDRESS,
    });
    expect(q.body.pointsTotal).toBe(6_000);
    const done = await confirm(u.id, q.body.quoteId);
    expect(done.body).toMatchObject({ status: 'placed', quantity: 2, balance: 4_000 });
    const order = await st.api('GET', `/v1/users/${u.id}/orders/${done.body.orderId}`);
    expect(order.body.address).toEqual(ADDRESS);
  });

  it('cancel gives the points back; the quote cannot be confirmed after', async () => {
    const u = await newUser(st, { balance: 50_000 });
    const q = await start(u.id, { kind: 'course', slug: 'python-basics' });
    const c = await cancel(u.id, q.body.quoteId);
    expect(c.status, c.text).toBe(200);
    expect(c.body).toEqual({ quoteId: q.body.quoteId, status: 'cancelled' });
    expect(await balance(u.id)).toMatchObject({ balance: 50_000, held: 0, available: 50_000 });
    expect((await cancel(u.id, q.body.quoteId)).status).toBe(200);
    const late = await confirm(u.id, q.body.quoteId);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('invalid_state');
    expect(await orders(u.id)).toEqual([]);
  });

  it('an expired hold gives the points back and the quote answers quote_expired', async () => {
    const u = await newUser(st, { balance: 50_000 });
    const q = await start(u.id, { kind: 'course', slug: 'python-basics' });
    // The ledger expires holds on the database clock: move this hold's end into the past.
    await query(
      st.s.em,
      `update ledger_hold set expires_at = now() - interval '1 second' where id = ?`,
      [q.body.holdId],
    );
    expect((await st.s.ledger.runExpiry()).holdsReleased).toBeGreaterThanOrEqual(1);
    expect(await balance(u.id)).toMatchObject({ balance: 50_000, held: 0 });
    const late = await confirm(u.id, q.body.quoteId);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('quote_expired');
    expect(await balance(u.id)).toMatchObject({ balance: 50_000, held: 0 });
    expect(await orders(u.id)).toEqual([]);
    expect((await cancel(u.id, q.body.quoteId)).status).toBe(200);
  });

  it('a quote past its time is expired, and cancelling it releases its hold', async () => {
    const u = await newUser(st, { balance: 50_000 });
    const q = await start(u.id, { kind: 'course', slug: 'sql-databases' });
    st.clock.advance(11 * MINUTE);
    const late = await confirm(u.id, q.body.quoteId);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('quote_expired');
    expect((await cancel(u.id, q.body.quoteId)).status).toBe(200);
    expect(await balance(u.id)).toMatchObject({ balance: 50_000, held: 0 });
  });

  it('confirming again returns the same order', async () => {
    const u = await newUser(st, { balance: 50_000 });
    const q = await start(u.id, { kind: 'course', slug: 'python-basics' });
    const first = await confirm(u.id, q.body.quoteId);
    const again = await confirm(u.id, q.body.quoteId);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await orders(u.id)).toHaveLength(1);
    const c = await cancel(u.id, q.body.quoteId);
    expect(c.status).toBe(409);
    expect(c.body.error.code).toBe('invalid_state');
    expect(await balance(u.id)).toMatchObject({ balance: 30_100, held: 0 });
  });

  it('concurrent confirms make one order', async () => {
    const u = await newUser(st, { balance: 50_000 });
    const q = await start(u.id, { kind: 'course', slug: 'python-basics' });
    const all = await Promise.all(Array.from({ length: 6 }, () => confirm(u.id, q.body.quoteId)));
    for (const r of all) expect(r.status, r.text).toBe(201);
    expect(new Set(all.map((r) => r.body.orderId)).size).toBe(1);
    expect(await orders(u.id)).toHaveLength(1);
    expect(await balance(u.id)).toMatchObject({ balance: 30_100, held: 0 });
  });

  it("someone else's quote is not found; a held quote is not redeemed in one step", async () => {
    const u = await newUser(st, { balance: 50_000 });
    const other = await newUser(st, { balance: 50_000 });
    const q = await start(u.id, { kind: 'course', slug: 'python-basics' });
    for (const r of [
      await confirm(other.id, q.body.quoteId),
      await cancel(other.id, q.body.quoteId),
    ]) {
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('quote_not_found');
    }
    expect((await confirm(u.id, 'q_nope')).status).toBe(404);
    const once = await st.api('POST', `/v1/users/${u.id}/redemptions`, {
      body: { kind: 'course', slug: 'python-basics', quoteId: q.body.quoteId },
      headers: { 'idempotency-key': `held-${q.body.quoteId}` },
    });
    expect(once.status).toBe(409);
    expect(once.body.error.code).toBe('invalid_state');
    expect(await balance(u.id)).toMatchObject({ balance: 50_000, held: 19_900 });
    expect((await cancel(u.id, q.body.quoteId)).status).toBe(200);
  });

  it("a user merged into the quote's owner confirms it under the old id", async () => {
    const owner = await newUser(st, { balance: 50_000 });
    const merged = await newUser(st, { balance: 0 });
    const q = await start(owner.id, { kind: 'course', slug: 'python-basics' });
    const code = (await st.api('POST', `/v1/users/${owner.id}/link-code`)).body.code;
    expect((await st.api('POST', `/v1/users/${merged.id}/link`, { body: { code } })).status).toBe(
      200,
    );
    const done = await confirm(merged.id, q.body.quoteId);
    expect(done.status, done.text).toBe(201);
    expect(await balance(owner.id)).toMatchObject({ balance: 30_100, held: 0 });
  });

  it('a free redemption holds nothing and confirms without moving points', async () => {
    const u = await newUser(st, { balance: 10_000 });
    const trial = await st.api('POST', `/v1/users/${u.id}/redemptions`, {
      body: { kind: 'item', slug: 'vip-trial-7d' },
      headers: { 'idempotency-key': `trial-${u.id}` },
    });
    expect(trial.status, trial.text).toBe(201);
    const q = await start(u.id, { kind: 'course', slug: 'stock-investing' });
    expect(q.body).toMatchObject({ pointsTotal: 0, holdId: null });
    expect(q.body.quoteId).toMatch(/^q_/);
    const done = await confirm(u.id, q.body.quoteId);
    expect(done.body).toMatchObject({ pointsCharged: 0, balance: 5_000 });
    const enrolled = (await st.api('GET', `/v1/users/${u.id}/enrollments`)).body.items;
    expect(enrolled).toMatchObject([{ slug: 'stock-investing', source: 'vip_free' }]);
  });

  it('holds nothing when the redemption is blocked or unaffordable', async () => {
    const u = await newUser(st, { balance: 100 });
    const poor = await start(u.id, { kind: 'course', slug: 'python-basics' });
    expect(poor.status).toBe(201);
    expect(poor.body).toMatchObject({ affordable: false, quoteId: null, holdId: null });
    expect(await balance(u.id)).toMatchObject({ balance: 100, held: 0 });
  });
});
