import { describe, expect, it } from 'vitest';
import { daysBetween } from '../shared/clock.js';
import {
  basePoints,
  describeRule,
  evaluate,
  nextStreak,
  type EarningContext,
  type EarningRule,
} from './rewards.rules.js';

const rule = (over: Partial<EarningRule> = {}): EarningRule => ({
  code: 'r',
  trigger: 't',
  titleZh: '规则',
  titleEn: 'Rule',
  descriptionZh: '',
  descriptionEn: '',
  amount: 20,
  ratePerYuan: null,
  streakBonus: null,
  maxPoints: null,
  dailyLimit: null,
  totalLimit: null,
  monthlyLimit: null,
  cooldownSeconds: null,
  actorDailyMax: null,
  applyMultiplier: true,
  pendingDays: null,
  active: true,
  startsAt: null,
  endsAt: null,
  sortOrder: 0,
  ...over,
});
const now = new Date('2026-03-01T12:00:00Z');
const ctx = (over: Partial<EarningContext> = {}): EarningContext => ({
  now,
  todayCount: 0,
  monthCount: 0,
  totalCount: 0,
  lastAwardAt: null,
  multiplierPermille: 1000,
  ...over,
});

describe('earning rules', () => {
  it('awards the fixed amount, multiplied by the tier', () => {
    expect(evaluate(rule(), ctx())).toEqual({
      ok: true,
      base: 20,
      points: 20,
      multiplierPermille: 1000,
    });
    expect(evaluate(rule(), ctx({ multiplierPermille: 1500 }))).toMatchObject({ points: 30 });
    expect(
      evaluate(rule({ applyMultiplier: false }), ctx({ multiplierPermille: 2000 })),
    ).toMatchObject({ points: 20 });
  });

  it('applies rates to money in fen, rounding down', () => {
    expect(basePoints(rule({ amount: null, ratePerYuan: 5 }), { paidFen: 13930 })).toBe(696);
    expect(evaluate(rule({ amount: null, ratePerYuan: 5 }), ctx({ paidFen: 19 }))).toEqual({
      ok: false,
      reason: 'nothing_to_earn',
    });
  });

  it('enforces daily, monthly and total limits', () => {
    expect(evaluate(rule({ dailyLimit: 2 }), ctx({ todayCount: 2 }))).toMatchObject({
      ok: false,
      reason: 'daily_limit',
    });
    expect(evaluate(rule({ dailyLimit: 2 }), ctx({ todayCount: 1 }))).toMatchObject({ ok: true });
    expect(evaluate(rule({ monthlyLimit: 20 }), ctx({ monthCount: 20 }))).toMatchObject({
      ok: false,
      reason: 'monthly_limit',
    });
    expect(evaluate(rule({ totalLimit: 1 }), ctx({ totalCount: 1 }))).toMatchObject({
      ok: false,
      reason: 'total_limit',
    });
  });

  it('enforces the cooldown and says when to retry', () => {
    const r = rule({ cooldownSeconds: 60 });
    const res = evaluate(r, ctx({ lastAwardAt: new Date(now.getTime() - 30_000) }));
    expect(res).toEqual({
      ok: false,
      reason: 'cooldown',
      retryAt: new Date(now.getTime() + 30_000),
    });
    expect(evaluate(r, ctx({ lastAwardAt: new Date(now.getTime() - 60_000) }))).toMatchObject({
      ok: true,
    });
  });

  it('respects the active flag and window', () => {
    expect(evaluate(rule({ active: false }), ctx())).toMatchObject({ reason: 'inactive' });
    expect(evaluate(rule({ startsAt: new Date('2026-03-02T00:00:00Z') }), ctx())).toMatchObject({
      reason: 'not_started',
    });
    expect(evaluate(rule({ endsAt: now }), ctx())).toMatchObject({ reason: 'ended' });
  });

  it('computes the check-in streak bonus up to the maximum', () => {
    const r = rule({ amount: 10, streakBonus: 10, maxPoints: 70 });
    expect([1, 2, 3, 7, 8, 30].map((streak) => basePoints(r, { streak }))).toEqual([
      10, 20, 30, 70, 70, 70,
    ]);
    expect(nextStreak(null, '2026-03-01', daysBetween)).toBe(1);
    expect(nextStreak({ date: '2026-02-28', streak: 4 }, '2026-03-01', daysBetween)).toBe(5);
    expect(nextStreak({ date: '2026-02-27', streak: 4 }, '2026-03-01', daysBetween)).toBe(1);
  });

  it('caps moderator grants per grant and per actor per day', () => {
    const r = rule({ amount: 500, actorDailyMax: 5000, applyMultiplier: false });
    expect(evaluate(r, ctx({ requested: 500 }))).toMatchObject({ ok: true, points: 500 });
    expect(evaluate(r, ctx({ requested: 501 }))).toMatchObject({
      ok: false,
      reason: 'over_grant_max',
    });
    expect(evaluate(r, ctx({ requested: 500, actorToday: 4600 }))).toMatchObject({
      ok: false,
      reason: 'actor_daily_limit',
    });
    expect(evaluate(r, ctx({ requested: 400, actorToday: 4600 }))).toMatchObject({ ok: true });
  });

  it('describes rules in both languages', () => {
    const r = rule({ amount: 10, streakBonus: 10, maxPoints: 70 });
    expect(describeRule(r, 'zh').points).toContain('70');
    expect(describeRule(r, 'en').title).toBe('Rule');
  });
});
