// Pure earning rules: given a rule and the user's recent earning history, how many points an
// event earns (or why none). Amount or rate, streak bonus, daily/monthly/total limits,
// cooldown, per-actor daily caps, active window, tier multiplier. No I/O.
import { applyMultiplier } from '../membership/membership.rules.js';

export interface EarningRule {
  code: string;
  trigger: string;
  titleZh: string;
  titleEn: string;
  descriptionZh: string;
  descriptionEn: string;
  /** Fixed points per award (for moderator grants: the maximum per grant). */
  amount: number | null;
  /** Points per ¥1 paid (money events). */
  ratePerYuan: number | null;
  streakBonus: number | null;
  maxPoints: number | null;
  dailyLimit: number | null;
  totalLimit: number | null;
  monthlyLimit: number | null;
  cooldownSeconds: number | null;
  /** Points an actor (moderator) may hand out per day under this rule. */
  actorDailyMax: number | null;
  applyMultiplier: boolean;
  /** Days the points stay pending (refund window); null = credited at once. */
  pendingDays: number | null;
  active: boolean;
  startsAt: Date | null;
  endsAt: Date | null;
  sortOrder: number;
}

export interface EarningContext {
  now: Date;
  /** Awards of this rule to this user today (user's time zone), this month, ever. */
  todayCount: number;
  monthCount: number;
  totalCount: number;
  lastAwardAt: Date | null;
  /** Tier multiplier in per mille (1000 = 1×). */
  multiplierPermille: number;
  /** Check-in streak including today (1 = first day). */
  streak?: number;
  /** Money paid, in fen (rate rules). */
  paidFen?: number;
  /** Requested points (moderator grants). */
  requested?: number;
  /** Points this actor already handed out today under this rule. */
  actorToday?: number;
}

export type DenyReason =
  | 'inactive'
  | 'not_started'
  | 'ended'
  | 'daily_limit'
  | 'monthly_limit'
  | 'total_limit'
  | 'cooldown'
  | 'over_grant_max'
  | 'actor_daily_limit'
  | 'nothing_to_earn'
  | 'already_awarded';

export type Evaluation =
  | { ok: true; base: number; points: number; multiplierPermille: number }
  | { ok: false; reason: DenyReason; retryAt?: Date; limit?: number };

/** Base points before the multiplier. */
export function basePoints(
  rule: EarningRule,
  ctx: Pick<EarningContext, 'streak' | 'paidFen' | 'requested'>,
): number {
  if (rule.ratePerYuan != null) return Math.floor(((ctx.paidFen ?? 0) * rule.ratePerYuan) / 100);
  if (ctx.requested != null) return ctx.requested;
  let pts = rule.amount ?? 0;
  if (rule.streakBonus && ctx.streak && ctx.streak > 1) pts += rule.streakBonus * (ctx.streak - 1);
  if (rule.maxPoints != null) pts = Math.min(pts, rule.maxPoints);
  return pts;
}

export function evaluate(rule: EarningRule, ctx: EarningContext): Evaluation {
  const t = ctx.now.getTime();
  if (!rule.active) return { ok: false, reason: 'inactive' };
  if (rule.startsAt && t < rule.startsAt.getTime())
    return { ok: false, reason: 'not_started', retryAt: rule.startsAt };
  if (rule.endsAt && t >= rule.endsAt.getTime()) return { ok: false, reason: 'ended' };
  if (rule.totalLimit != null && ctx.totalCount >= rule.totalLimit)
    return { ok: false, reason: 'total_limit', limit: rule.totalLimit };
  if (rule.monthlyLimit != null && ctx.monthCount >= rule.monthlyLimit)
    return { ok: false, reason: 'monthly_limit', limit: rule.monthlyLimit };
  if (rule.dailyLimit != null && ctx.todayCount >= rule.dailyLimit)
    return { ok: false, reason: 'daily_limit', limit: rule.dailyLimit };
  if (rule.cooldownSeconds && ctx.lastAwardAt) {
    const ready = ctx.lastAwardAt.getTime() + rule.cooldownSeconds * 1000;
    if (t < ready) return { ok: false, reason: 'cooldown', retryAt: new Date(ready) };
  }
  if (ctx.requested != null && rule.amount != null && ctx.requested > rule.amount) {
    return { ok: false, reason: 'over_grant_max', limit: rule.amount };
  }
  const base = basePoints(rule, ctx);
  if (rule.actorDailyMax != null && (ctx.actorToday ?? 0) + base > rule.actorDailyMax) {
    return { ok: false, reason: 'actor_daily_limit', limit: rule.actorDailyMax };
  }
  const permille = rule.applyMultiplier ? ctx.multiplierPermille : 1000;
  const points = applyMultiplier(base, permille);
  if (points <= 0) return { ok: false, reason: 'nothing_to_earn' };
  return { ok: true, base, points, multiplierPermille: permille };
}

/** Check-in streak for today given the date of the previous check-in (YYYY-MM-DD strings). */
export function nextStreak(
  prev: { date: string; streak: number } | null,
  today: string,
  daysBetween: (a: string, b: string) => number,
): number {
  if (!prev) return 1;
  const gap = daysBetween(prev.date, today);
  return gap === 1 ? prev.streak + 1 : 1;
}

/** One line of the earn-points guide in a language. */
export function describeRule(
  rule: EarningRule,
  lang: 'zh' | 'en',
): { code: string; title: string; description: string; points: string } {
  const zh = lang === 'zh';
  let points: string;
  if (rule.ratePerYuan != null)
    points = zh ? `每 1 元 ${rule.ratePerYuan} 分` : `${rule.ratePerYuan} per ¥1`;
  else if (rule.streakBonus)
    points = zh
      ? `${rule.amount} 分起，连签每天 +${rule.streakBonus}，最多 ${rule.maxPoints ?? '∞'}`
      : `${rule.amount}, +${rule.streakBonus} per streak day, up to ${rule.maxPoints ?? '∞'}`;
  else if (rule.actorDailyMax != null)
    points = zh ? `每次最多 ${rule.amount} 分` : `up to ${rule.amount} per grant`;
  else points = zh ? `${rule.amount} 分` : `${rule.amount} points`;
  return {
    code: rule.code,
    title: zh ? rule.titleZh : rule.titleEn,
    description: zh ? rule.descriptionZh : rule.descriptionEn,
    points,
  };
}
