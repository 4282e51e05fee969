// Referrals: 500 to the inviter at the invitee's first interaction, +1000 (pending) at their
// first paid purchase; fraud cases: self-referral (also across linked identities), one reward
// per invitee, only new users, no cycles, per-inviter monthly cap.
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
import { DAY } from '../src/shared/clock.js';

let h: Harness;
let st: Stack;
beforeAll(async () => {
  h = await createHarness();
  st = await stackWithClock(h, '2026-04-06T02:00:00Z');
});
afterAll(async () => h?.close());
afterEach(async () => {
  await expectLedgerOk(st.s);
});

const codeOf = async (userId: number) =>
  (await st.api('GET', `/v1/users/${userId}/referral`)).body.code as string;
const accept = (userId: number, code: string) =>
  st.api('POST', `/v1/users/${userId}/referral`, { body: { code } });
const pay = async (userId: number, courseSlug: string) => {
  const o = await st.s.checkout.createOrder({ userId, key: uniqueKey('buy'), courseSlug });
  const hook = await st.s.sandbox!.settle(
    new URL(o.payUrl!).pathname.split('/').pop()!,
    'succeeded',
  );
  await st.s.checkout.handleWebhook(hook.rawBody, hook.headers);
  return o.orderId;
};

describe('referral rewards', () => {
  it('rewards the inviter at the first interaction (once) and at the first paid purchase (pending)', async () => {
    const inviter = await newUser(st);
    const invitee = await newUser(st);
    const info = await st.api('GET', `/v1/users/${inviter.id}/referral`);
    expect(info.body.link).toMatch(new RegExp(`/r/${info.body.code}$`));
    expect((await accept(invitee.id, info.body.code.toLowerCase())).status).toBe(201);
    expect((await st.s.account.balance(inviter.id)).balance).toBe(0);
    await st.api('POST', `/v1/users/${invitee.id}/checkins`);
    expect((await st.s.account.balance(inviter.id)).balance).toBe(500);
    await st.api('POST', '/v1/events', {
      body: { type: 'user.interacted', userId: invitee.id, data: {} },
      headers: { 'idempotency-key': uniqueKey() },
    });
    expect((await st.s.account.balance(inviter.id)).balance).toBe(500);

    await pay(invitee.id, 'time-management');
    expect(await st.s.account.balance(inviter.id)).toMatchObject({ balance: 500, pending: 1000 });
    await pay(invitee.id, 'personal-finance');
    expect((await st.s.account.balance(inviter.id)).pending).toBe(1000);
    st.clock.advance(7 * DAY + 1000);
    await st.s.rewards.releasePending();
    expect(await st.s.account.balance(inviter.id)).toMatchObject({ balance: 1500, pending: 0 });
    expect((await st.api('GET', `/v1/users/${inviter.id}/referral`)).body).toMatchObject({
      invited: 1,
      rewarded: 1,
      pointsEarned: 1500,
    });
  });

  it("a refunded first purchase takes the inviter's pending reward back", async () => {
    const inviter = await newUser(st);
    const invitee = await newUser(st);
    await accept(invitee.id, await codeOf(inviter.id));
    const orderId = await pay(invitee.id, 'time-management');
    expect((await st.s.account.balance(inviter.id)).pending).toBe(1000);
    await st.s.checkout.refund({ userId: invitee.id, orderId });
    expect((await st.s.account.balance(inviter.id)).pending).toBe(0);
  });
});

describe('referral fraud', () => {
  it('refuses self-referral', async () => {
    const u = await newUser(st);
    const res = await accept(u.id, await codeOf(u.id));
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'referral_rejected',
      details: { reason: 'self_referral' },
    });
  });

  it('refuses self-referral across linked identities, and voids one found when identities are linked later', async () => {
    const tg = await newUser(st, { channel: 'telegram' });
    const dc = await newUser(st, { channel: 'discord' });
    const { code } = await st.s.link.createCode(tg.id);
    await st.s.link.redeemCode(dc.id, code);
    // The Discord identity is the same person now: its id resolves to the Telegram user.
    expect((await accept(dc.id, await codeOf(tg.id))).body.error.details.reason).toBe(
      'self_referral',
    );

    const a = await newUser(st, { channel: 'telegram' });
    const b = await newUser(st, { channel: 'web' });
    await accept(b.id, await codeOf(a.id));
    await st.api('POST', `/v1/users/${b.id}/checkins`);
    expect((await st.s.account.balance(a.id)).balance).toBe(500);
    const link = await st.s.link.createCode(a.id);
    const merged = await st.s.link.redeemCode(b.id, link.code);
    expect(merged.userId).toBe(a.id);
    // The 500 was a self-referral: taken back; the check-in points (10) stay.
    expect((await st.s.account.balance(a.id)).balance).toBe(10);
  });

  it('rewards one referral per invitee and only new users', async () => {
    const inviter1 = await newUser(st);
    const inviter2 = await newUser(st);
    const invitee = await newUser(st);
    await accept(invitee.id, await codeOf(inviter1.id));
    expect((await accept(invitee.id, await codeOf(inviter2.id))).body.error.details.reason).toBe(
      'already_referred',
    );
    const veteran = await newUser(st);
    await st.api('POST', `/v1/users/${veteran.id}/checkins`);
    expect((await accept(veteran.id, await codeOf(inviter1.id))).body.error.details.reason).toBe(
      'not_new_user',
    );
    expect((await accept(invitee.id, 'NOPE1234')).body.error.details.reason).toBe('unknown_code');
  });

  it('refuses cycles', async () => {
    const a = await newUser(st);
    const b = await newUser(st);
    await accept(b.id, await codeOf(a.id));
    expect((await accept(a.id, await codeOf(b.id))).body.error.details.reason).toBe('cycle');
  });

  it('caps join rewards per inviter per month (rule monthlyLimit)', async () => {
    await st.api('PATCH', '/v1/admin/rules/referral.joined', { body: { monthlyLimit: 2 } });
    const inviter = await newUser(st);
    const code = await codeOf(inviter.id);
    for (let i = 0; i < 3; i++) {
      const f = await newUser(st);
      await accept(f.id, code);
      await st.api('POST', `/v1/users/${f.id}/checkins`);
    }
    expect((await st.s.account.balance(inviter.id)).balance).toBe(1000);
    st.clock.advance(31 * DAY);
    const late = await newUser(st);
    await accept(late.id, code);
    await st.api('POST', `/v1/users/${late.id}/checkins`);
    expect((await st.s.account.balance(inviter.id)).balance).toBe(1500);
    await st.api('PATCH', '/v1/admin/rules/referral.joined', { body: { monthlyLimit: 20 } });
  });
});
