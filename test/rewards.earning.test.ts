// Every earning rule with its caps, cooldown and streak, on a controllable clock; events are
// idempotent; moderator grants within caps and admin undo; the ledger verifies after each.
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
import { DAY, HOUR, MINUTE } from '../src/shared/clock.js';

let h: Harness;
let st: Stack;
// 2026-03-02 10:00 in Asia/Shanghai (a Monday).
const START = '2026-03-02T02:00:00Z';

beforeAll(async () => {
  h = await createHarness();
  st = await stackWithClock(h, START);
});
afterAll(async () => h?.close());
afterEach(async () => {
  await expectLedgerOk(st.s);
});

const event = (
  userId: number,
  type: string,
  data: Record<string, unknown>,
  key = uniqueKey('ev'),
) =>
  st.api('POST', '/v1/events', {
    body: { type, userId, data },
    headers: { 'idempotency-key': key },
  });

describe('daily check-in', () => {
  it('gives 10, +10 per day in a row up to 70, once per local day, and resets after a gap', async () => {
    st.clock.set(START);
    const u = await newUser(st);
    const got: number[] = [];
    for (let day = 0; day < 9; day++) {
      const res = await st.api('POST', `/v1/users/${u.id}/checkins`);
      expect(res.status).toBe(201);
      expect(res.body.streak).toBe(day + 1);
      got.push(res.body.points);
      const again = await st.api('POST', `/v1/users/${u.id}/checkins`);
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('already_checked_in');
      st.clock.advance(DAY);
    }
    expect(got).toEqual([10, 20, 30, 40, 50, 60, 70, 70, 70]);
    st.clock.advance(DAY); // a day skipped
    const reset = await st.api('POST', `/v1/users/${u.id}/checkins`);
    expect(reset.body).toMatchObject({ streak: 1, points: 10 });
    expect((await st.s.account.balance(u.id)).balance).toBe(430);
  });

  it('of several at once, one checks in; the rest are refused with the streak and the next day', async () => {
    st.clock.set(START);
    const u = await newUser(st);
    const path = `/v1/users/${u.id}/checkins`;
    const all = await Promise.all(Array.from({ length: 4 }, () => st.api('POST', path)));
    expect(all.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    const again = await st.api('POST', path);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: 'already_checked_in',
      details: { streak: 1, nextCheckinAt: '2026-03-02T16:00:00.000Z' },
    });
    expect((await st.s.account.balance(u.id)).balance).toBe(10);
  });

  it("counts days in the user's time zone (Asia/Shanghai), not UTC", async () => {
    st.clock.set('2026-03-10T15:30:00Z'); // 23:30 in Shanghai
    const u = await newUser(st);
    expect((await st.api('POST', `/v1/users/${u.id}/checkins`)).body.streak).toBe(1);
    st.clock.set('2026-03-10T16:10:00Z'); // 00:10 the next day in Shanghai, same UTC day
    const next = await st.api('POST', `/v1/users/${u.id}/checkins`);
    expect(next.status).toBe(201);
    expect(next.body).toMatchObject({ streak: 2, points: 20, date: '2026-03-11' });
  });

  it('applies the tier multiplier to check-in points', async () => {
    st.clock.set(START);
    const u = await newUser(st, { balance: 5000 });
    await st.s.orders.redeem({
      userId: u.id,
      key: uniqueKey(),
      kind: 'item',
      slug: 'vip-trial-7d',
    });
    expect((await st.api('POST', `/v1/users/${u.id}/checkins`)).body.points).toBe(20);
  });
});

describe('learning events', () => {
  it('quiz.passed earns 20 with a daily limit of 5 and a 60 s cooldown; the same event never earns twice', async () => {
    st.clock.set(START);
    const u = await newUser(st);
    const first = await event(u.id, 'quiz.passed', { quizId: 'q-0' }, 'quiz-key-0');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ points: 20, replayed: false });
    const replay = await event(u.id, 'quiz.passed', { quizId: 'q-0' }, 'quiz-key-0');
    expect(replay.body).toMatchObject({ points: 20, replayed: true, eventId: first.body.eventId });
    const conflict = await event(u.id, 'quiz.passed', { quizId: 'q-other' }, 'quiz-key-0');
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('idempotency_conflict');
    // The same quiz under a new key is the same occasion: no second award.
    expect((await event(u.id, 'quiz.passed', { quizId: 'q-0' })).body.points).toBe(0);

    const cooled = await event(u.id, 'quiz.passed', { quizId: 'q-1' });
    expect(cooled.body.points).toBe(0);
    expect(cooled.body.awards[0]).toMatchObject({
      reason: 'cooldown',
      retryAt: new Date(Date.parse(START) + MINUTE).toISOString(),
    });
    for (let i = 1; i <= 4; i++) {
      st.clock.advance(MINUTE);
      expect((await event(u.id, 'quiz.passed', { quizId: `q-${i}-x` })).body.points).toBe(20);
    }
    st.clock.advance(MINUTE);
    const capped = await event(u.id, 'quiz.passed', { quizId: 'q-6' });
    expect(capped.body.awards[0]).toMatchObject({ awarded: false, reason: 'daily_limit' });
    st.clock.advance(DAY);
    expect((await event(u.id, 'quiz.passed', { quizId: 'q-7' })).body.points).toBe(20);
    expect((await st.s.account.balance(u.id)).balance).toBe(120);
  });

  it('lesson.completed earns 5 up to 10 a day', async () => {
    st.clock.set(START);
    const u = await newUser(st);
    const pts: number[] = [];
    for (let i = 0; i < 11; i++) {
      st.clock.advance(MINUTE);
      pts.push(
        (await event(u.id, 'lesson.completed', { lessonId: `l${i}`, courseSlug: 'python-basics' }))
          .body.points,
      );
    }
    expect(pts).toEqual([5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 0]);
  });

  it('review.posted earns 50 for the first review only', async () => {
    const u = await newUser(st, { balance: 20000 });
    expect((await event(u.id, 'review.posted', { courseSlug: 'python-basics' })).body.points).toBe(
      50,
    );
    const second = await event(u.id, 'review.posted', { courseSlug: 'sql-databases' });
    expect(second.body.awards[0]).toMatchObject({ awarded: false, reason: 'total_limit' });
  });

  it('reviews need an enrollment, are one per course, and the first earns through the same rule', async () => {
    const u = await newUser(st, { balance: 20000 });
    const denied = await st.api('POST', `/v1/users/${u.id}/reviews`, {
      body: { courseSlug: 'python-basics', rating: 5, comment: 'great' },
    });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('not_enrolled');
    await st.s.orders.redeem({
      userId: u.id,
      key: uniqueKey(),
      kind: 'course',
      slug: 'python-basics',
    });
    const ok = await st.api('POST', `/v1/users/${u.id}/reviews`, {
      body: { courseSlug: 'python-basics', rating: 5, comment: 'great' },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.points).toBe(50);
    const twice = await st.api('POST', `/v1/users/${u.id}/reviews`, {
      body: { courseSlug: 'python-basics', rating: 4, comment: 'again' },
    });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('already_reviewed');
    expect((await st.api('GET', '/v1/courses/python-basics')).body.rating).toEqual({
      average: 5,
      count: 1,
    });
  });

  it('purchase.completed earns 1 per ¥1, pending until the refund window closes; purchase.refunded takes it back', async () => {
    st.clock.set(START);
    const u = await newUser(st);
    const p = await event(u.id, 'purchase.completed', { purchaseId: 'shop-1', amountFen: 12345 });
    expect(p.body.awards[0]).toMatchObject({ points: 123, pending: true });
    expect(await st.s.account.balance(u.id)).toMatchObject({ balance: 0, pending: 123 });
    await event(u.id, 'purchase.completed', { purchaseId: 'shop-2', amountFen: 10000 });
    const refunded = await event(u.id, 'purchase.refunded', { purchaseId: 'shop-2' });
    expect(refunded.body.reversedPoints).toBe(100);
    st.clock.advance(7 * DAY + HOUR);
    expect((await st.s.rewards.releasePending()).points).toBeGreaterThanOrEqual(123);
    expect(await st.s.account.balance(u.id)).toMatchObject({ balance: 123, pending: 0 });
  });
});

describe('rules are data, editable by admins', () => {
  it('changes amounts, caps and the active window over the API; the earn guide follows', async () => {
    st.clock.set(START);
    const u = await newUser(st);
    const svcKey = await st.api('PATCH', '/v1/admin/rules/lesson.completed', {
      body: { amount: 8 },
      key: 'test-service-key-0123456789',
    });
    expect(svcKey.status).toBe(403);
    const patched = await st.api('PATCH', '/v1/admin/rules/lesson.completed', {
      body: { amount: 8, dailyLimit: 1, cooldownSeconds: 0 },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ amount: 8, dailyLimit: 1 });
    expect((await event(u.id, 'lesson.completed', { lessonId: 'a' })).body.points).toBe(8);
    expect((await event(u.id, 'lesson.completed', { lessonId: 'b' })).body.awards[0].reason).toBe(
      'daily_limit',
    );

    const ends = new Date(Date.parse(START) + HOUR).toISOString();
    await st.api('PATCH', '/v1/admin/rules/quiz.passed', { body: { endsAt: ends } });
    st.clock.advance(2 * HOUR);
    expect((await event(u.id, 'quiz.passed', { quizId: 'late' })).body.awards[0].reason).toBe(
      'ended',
    );
    const zh = await st.api('GET', '/v1/earn-guide?lang=zh');
    expect(zh.body.items.map((i: { code: string }) => i.code)).not.toContain('quiz.passed');
    expect(zh.body.items.find((i: { code: string }) => i.code === 'checkin.daily').title).toBe(
      '每日签到',
    );
    const en = await st.api('GET', '/v1/earn-guide?lang=en');
    expect(en.body.items.find((i: { code: string }) => i.code === 'lesson.completed').points).toBe(
      '8 points',
    );
    const bad = await st.api('PATCH', '/v1/admin/rules/quiz.passed', { body: { ratePerYuan: 3 } });
    expect(bad.status).toBe(400);
    await st.api('PATCH', '/v1/admin/rules/quiz.passed', { body: { endsAt: null } });
    await st.api('PATCH', '/v1/admin/rules/lesson.completed', {
      body: { amount: 5, dailyLimit: 10, cooldownSeconds: 60 },
    });
  });
});

describe('moderator grants', () => {
  it('need the role in that community, a reason, ≤ 500 per grant and ≤ 5,000 per moderator per day; admins undo', async () => {
    st.clock.set(START);
    const mod = await newUser(st, { channel: 'telegram' });
    const learner = await newUser(st);
    const community = 'telegram:-100777';
    const grant = (points: number, key = uniqueKey('g'), by = mod.id, c = community) =>
      st.api('POST', `/v1/communities/${c}/grants`, {
        body: { moderatorUserId: by, userId: learner.id, points, reason: 'answered questions' },
        headers: { 'idempotency-key': key },
      });

    expect((await grant(100)).body.error.code).toBe('not_moderator');
    expect(
      (await st.api('POST', '/v1/admin/roles', { body: { userId: mod.id, community } })).status,
    ).toBe(201);
    expect((await grant(501)).body.error.code).toBe('limit_reached');
    const first = await grant(500, 'grant-k1');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ points: 500, moderatorRemainingToday: 4500 });
    expect((await grant(500, 'grant-k1')).body).toMatchObject({
      grantId: first.body.grantId,
      replayed: true,
    });
    for (let i = 0; i < 9; i++) expect((await grant(500)).status).toBe(201);
    const over = await grant(1);
    expect(over.status).toBe(409);
    expect(over.body.error).toMatchObject({
      code: 'limit_reached',
      details: { reason: 'actor_daily_limit' },
    });
    expect((await grant(100, uniqueKey(), mod.id, 'telegram:-100888')).body.error.code).toBe(
      'not_moderator',
    );
    const self = await st.api('POST', `/v1/communities/${community}/grants`, {
      body: { moderatorUserId: mod.id, userId: mod.id, points: 10, reason: 'me' },
      headers: { 'idempotency-key': uniqueKey() },
    });
    expect(self.status).toBe(403);
    const noReason = await st.api('POST', `/v1/communities/${community}/grants`, {
      body: { moderatorUserId: mod.id, userId: learner.id, points: 10, reason: '  ' },
      headers: { 'idempotency-key': uniqueKey() },
    });
    expect(noReason.status).toBe(400);
    expect((await st.s.account.balance(learner.id)).balance).toBe(5000);

    const undo = await st.api('POST', `/v1/admin/moderator-grants/${first.body.grantId}/undo`, {
      body: { reason: 'duplicate' },
    });
    expect(undo.status).toBe(200);
    expect(undo.body.undone).toBe(true);
    expect(
      (
        await st.api('POST', `/v1/admin/moderator-grants/${first.body.grantId}/undo`, {
          body: { reason: 'again' },
        })
      ).body.error.code,
    ).toBe('invalid_state');
    expect((await st.s.account.balance(learner.id)).balance).toBe(4500);
    // The undone grant frees the moderator's daily allowance again.
    expect((await grant(500)).status).toBe(201);
    const trail = await st.api('GET', `/v1/admin/audit?subject=user:${learner.id}`);
    expect(trail.body.items.map((i: { action: string }) => i.action)).toEqual(
      expect.arrayContaining(['grant.create', 'grant.undo']),
    );
    st.clock.advance(DAY);
    expect((await grant(500)).status).toBe(201);
    // After the role is revoked the moderator can grant no more.
    await st.api('POST', '/v1/admin/roles/revoke', { body: { userId: mod.id, community } });
    expect((await grant(10)).body.error.code).toBe('not_moderator');
  });
});
