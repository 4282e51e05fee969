// Tiers at their thresholds (rolling 365 days, never demoted by spending), identity merge
// keeping every point with its expiry, roles, and leaderboards without staff.
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

const event = (userId: number, type: string, data: Record<string, unknown>) =>
  st.api('POST', '/v1/events', {
    body: { type, userId, data },
    headers: { 'idempotency-key': uniqueKey('ev') },
  });
const membership = async (id: number) => (await st.api('GET', `/v1/users/${id}/membership`)).body;

describe('membership tiers', () => {
  it('changes at 5,000 and 20,000 earned points, multiplies earnings, ignores spending, and expires with the 365-day window', async () => {
    await st.api('PATCH', '/v1/admin/rules/purchase.other', { body: { applyMultiplier: false } });
    const u = await newUser(st);
    await event(u.id, 'purchase.completed', { purchaseId: 'p1', amountFen: 498_000 });
    expect(await membership(u.id)).toMatchObject({
      tier: 'normal',
      earned365: 4980,
      next: { tier: 'advanced', pointsNeeded: 20 },
    });
    await event(u.id, 'quiz.passed', { quizId: 'q1' });
    const adv = await membership(u.id);
    expect(adv).toMatchObject({
      tier: 'advanced',
      earned365: 5000,
      benefits: { multiplierPermille: 1500, redemptionDiscountPct: 10 },
      next: { tier: 'vip', pointsNeeded: 15000 },
    });
    expect(adv.history[0]).toMatchObject({ from: 'normal', to: 'advanced', reason: 'earned' });
    st.clock.advance(2 * MINUTE);
    expect((await event(u.id, 'quiz.passed', { quizId: 'q2' })).body.points).toBe(30);
    await event(u.id, 'purchase.completed', { purchaseId: 'p2', amountFen: 1_496_900 });
    expect(await membership(u.id)).toMatchObject({ tier: 'advanced', earned365: 19999 });
    st.clock.advance(2 * MINUTE);
    await event(u.id, 'quiz.passed', { quizId: 'q3' });
    expect(await membership(u.id)).toMatchObject({
      tier: 'vip',
      next: null,
      benefits: { multiplierPermille: 2000, vipFreeCourses: true },
    });

    // Spending never demotes: release the pending points and spend them.
    st.clock.advance(8 * DAY);
    await st.s.rewards.releasePending();
    const r = await st.api('POST', `/v1/users/${u.id}/redemptions`, {
      body: { kind: 'course', slug: 'time-management' },
      headers: { 'idempotency-key': uniqueKey() },
    });
    expect(r.body.pointsCharged).toBe(5520);
    await st.s.membership.runDaily();
    expect((await membership(u.id)).tier).toBe('vip');
    // A year later the earnings leave the window: the daily job demotes.
    st.clock.advance(366 * DAY);
    expect((await st.s.membership.runDaily()).changed).toBeGreaterThanOrEqual(1);
    const later = await membership(u.id);
    expect(later).toMatchObject({ tier: 'normal', earned365: 0 });
    expect(later.history[0]).toMatchObject({ from: 'vip', to: 'normal', reason: 'window' });
    await st.api('PATCH', '/v1/admin/rules/purchase.other', { body: { applyMultiplier: true } });
  });
});

describe('identity linking', () => {
  it('merges two channel identities keeping every point, lot expiry, pending point, enrollment and the history', async () => {
    const tg = await newUser(st, { channel: 'telegram', externalId: 'tg-42' });
    const dc = await newUser(st, { channel: 'discord', externalId: 'dc-42' });
    const soon = new Date(Date.now() + 20 * DAY).toISOString();
    const later = new Date(Date.now() + 200 * DAY).toISOString();
    await st.s.ledger.credit({
      key: uniqueKey(),
      userId: tg.id,
      amount: 30000,
      reason: 'seed',
      actor: 't',
      expiresAt: later,
    });
    await st.s.ledger.credit({
      key: uniqueKey(),
      userId: dc.id,
      amount: 40000,
      reason: 'seed',
      actor: 't',
      expiresAt: later,
    });
    await event(dc.id, 'purchase.completed', { purchaseId: 'dc-p', amountFen: 10000 });
    const redeem = (id: number, slug: string) =>
      st.api('POST', `/v1/users/${id}/redemptions`, {
        body: { kind: 'course', slug },
        headers: { 'idempotency-key': uniqueKey() },
      });
    await redeem(tg.id, 'python-basics');
    await redeem(dc.id, 'python-basics');
    await redeem(dc.id, 'public-speaking');
    await st.api('POST', `/v1/users/${dc.id}/checkins`);
    await st.s.ledger.credit({
      key: uniqueKey(),
      userId: dc.id,
      amount: 700,
      reason: 'seed',
      actor: 't',
      expiresAt: soon,
    });
    await st.s.ledger.credit({
      key: uniqueKey(),
      userId: dc.id,
      amount: 50,
      reason: 'seed',
      actor: 't',
      expiresAt: null,
    });
    const before = { tg: await st.s.account.balance(tg.id), dc: await st.s.account.balance(dc.id) };
    const totalsBefore = await expectLedgerOk(st.s);

    const code = await st.api('POST', `/v1/users/${tg.id}/link-code`);
    expect(code.status).toBe(201);
    expect(Date.parse(code.body.expiresAt) - st.clock.now().getTime()).toBe(10 * MINUTE);
    const merged = await st.api('POST', `/v1/users/${dc.id}/link`, {
      body: { code: code.body.code.toLowerCase() },
    });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({
      userId: tg.id,
      mergedUserId: dc.id,
      pointsMoved: before.dc.balance,
      pendingMoved: 100,
    });

    const after = await st.s.account.balance(tg.id);
    expect(after.balance).toBe(before.tg.balance + before.dc.balance);
    expect(after.pending).toBe(100);
    const lots = await query<{ expires_at: Date | null; s: string }>(
      st.s.em,
      `select l.expires_at, sum(l.remaining) as s from ledger_lot l join ledger_account a on a.id = l.account_id
        where a.user_id = ? and a.kind = 'wallet' and l.remaining > 0 group by l.expires_at order by l.expires_at nulls last`,
      [tg.id],
    );
    expect(
      lots.map((l) => [
        l.expires_at && new Date(l.expires_at).toISOString().slice(0, 10),
        Number(l.s),
      ]),
    ).toEqual(
      expect.arrayContaining([
        [soon.slice(0, 10), 700],
        [later.slice(0, 10), 30000 - 19900 + 40000 - 19900 - 12900],
        [null, 50],
      ]),
    );
    expect(lots.reduce((s, l) => s + Number(l.s), 0)).toBe(after.balance);
    // Nothing was created or destroyed: the system accounts did not move.
    expect((await expectLedgerOk(st.s)).system).toEqual(totalsBefore.system);

    const enrolled = (await st.api('GET', `/v1/users/${tg.id}/enrollments`)).body.items
      .map((e: { slug: string }) => e.slug)
      .sort();
    expect(enrolled).toEqual(['public-speaking', 'python-basics']);
    const { user: again } = await st.s.users.upsert({ channel: 'discord', externalId: 'dc-42' });
    expect(again.id).toBe(tg.id);
    expect(again.identities.map((i) => i.channel).sort()).toEqual(['discord', 'telegram']);
    const hist = (await st.api('GET', `/v1/users/${tg.id}/history?limit=100`)).body.items;
    expect(hist.filter((e: { kind: string }) => e.kind === 'earn.checkin')).toHaveLength(1);
    expect(hist.filter((e: { kind: string }) => e.kind === 'redeem.course')).toHaveLength(3);
    // The merged id reads the survivor's account (merges are total), and says whose it is.
    const survivor = (await st.api('GET', `/v1/users/${tg.id}/balance`)).body;
    expect((await st.api('GET', `/v1/users/${dc.id}/balance`)).body).toEqual({
      ...survivor,
      userId: tg.id,
    });
    expect((await st.api('GET', `/v1/users/${dc.id}/membership`)).body.userId).toBe(tg.id);
    const audit = (await st.api('GET', `/v1/admin/audit?subject=user:${tg.id}`)).body.items;
    expect(audit[0]).toMatchObject({ action: 'user.merge', details: { mergedUserId: dc.id } });

    expect(
      (await st.api('POST', `/v1/users/${dc.id}/link`, { body: { code: code.body.code } })).body
        .error.code,
    ).toBe('link_code_invalid');
    const other = await newUser(st);
    const stale = await st.api('POST', `/v1/users/${tg.id}/link-code`);
    st.clock.advance(11 * MINUTE);
    expect(
      (await st.api('POST', `/v1/users/${other.id}/link`, { body: { code: stale.body.code } })).body
        .error.code,
    ).toBe('link_code_invalid');
    const own = await st.api('POST', `/v1/users/${tg.id}/link-code`);
    expect(
      (await st.api('POST', `/v1/users/${tg.id}/link`, { body: { code: own.body.code } })).status,
    ).toBe(409);
  });
});

describe('linking with expired points', () => {
  it('moves the points still valid; those past their expiry go to breakage, not along', async () => {
    const a = await newUser(st);
    const b = await newUser(st);
    const old = await st.s.ledger.credit({
      key: uniqueKey(),
      userId: a.id,
      amount: 100,
      reason: 'seed',
      actor: 't',
      expiresAt: '2030-01-01T00:00:00Z',
    });
    await st.s.ledger.credit({
      key: uniqueKey(),
      userId: a.id,
      amount: 50,
      reason: 'seed',
      actor: 't',
      expiresAt: null,
    });
    await query(
      st.s.em,
      `update ledger_lot set expires_at = now() - interval '1 second' where entry_id = ?`,
      [old.entryId],
    );
    const code = await st.api('POST', `/v1/users/${b.id}/link-code`);
    const merged = await st.api('POST', `/v1/users/${a.id}/link`, {
      body: { code: code.body.code },
    });
    expect(merged.status, merged.text).toBe(200);
    expect(merged.body).toMatchObject({ userId: b.id, pointsMoved: 50 });
    expect((await st.api('GET', `/v1/users/${b.id}/balance`)).body).toMatchObject({
      balance: 50,
      available: 50,
    });
  });
});

describe('roles and leaderboards', () => {
  it('ranks points earned all time, this week, this month, globally and per community, without staff', async () => {
    st.clock.set('2026-06-15T04:00:00Z'); // a Monday noon in Shanghai
    const community = 'discord:5550001';
    const [a, b, c, mod] = await Promise.all([
      newUser(st, { name: 'A' }),
      newUser(st, { name: 'B' }),
      newUser(st, { name: 'C' }),
      newUser(st, { name: 'Mod' }),
    ]);
    expect(
      (await st.api('POST', '/v1/admin/roles', { body: { userId: mod.id, community } })).status,
    ).toBe(201);
    expect(
      (await st.api('POST', '/v1/admin/roles', { body: { userId: mod.id, community } })).status,
    ).toBe(200);
    expect((await st.api('GET', `/v1/users/${mod.id}/roles`)).body.items).toEqual([
      expect.objectContaining({ community, role: 'moderator' }),
    ]);
    for (const id of [a.id, b.id])
      await st.api('POST', `/v1/communities/${community}/members`, { body: { userId: id } });
    await event(mod.id, 'purchase.completed', { purchaseId: 'm', amountFen: 9_000_000 });
    await event(a.id, 'quiz.passed', { quizId: 'x' });
    await event(c.id, 'purchase.completed', { purchaseId: 'c1', amountFen: 50_000 });
    st.clock.advance(7 * DAY);
    await event(b.id, 'lesson.completed', { lessonId: 'l' });

    const board = async (q: string) => (await st.api('GET', `/v1/leaderboard?${q}`)).body;
    const all = await board('period=all&limit=100');
    expect(all.entries.map((e: { userId: number }) => e.userId)).not.toContain(mod.id);
    const ids = (e: { entries: { userId: number }[] }) =>
      e.entries.map((x) => x.userId).filter((id) => [a.id, b.id, c.id].includes(id));
    expect(ids(all)).toEqual([c.id, a.id, b.id]);
    expect(ids(await board('period=week&limit=100'))).toEqual([b.id]);
    expect(ids(await board('period=month&limit=100'))).toEqual([c.id, a.id, b.id]);
    const comm = await board(`period=all&community=${community}&userId=${b.id}`);
    expect(comm.entries.map((e: { userId: number }) => e.userId)).toEqual([a.id, b.id]);
    expect(comm.me).toMatchObject({ userId: b.id, rank: 2, points: 5 });
  });
});
