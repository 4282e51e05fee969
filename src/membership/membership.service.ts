// Membership tiers: recomputed from points earned in a rolling 365 days on every earning
// and by a daily job (spending never counts), trial tiers from the mall, and tier history.
import { inTransaction, query, queryOne, type Em } from '../db/sql.js';
import { resolveUserId } from './user.lock.js';
import type { Clock } from '../shared/clock.js';
import { DAY } from '../shared/clock.js';
import {
  EARNING_WINDOW_DAYS,
  effectiveTier,
  maxTier,
  nextTier,
  tierForEarned,
  TIER_BENEFITS,
  TIER_NAMES,
  TIER_THRESHOLDS,
  type Tier,
  type TierBenefits,
} from './membership.rules.js';

export interface MembershipView {
  userId: number;
  tier: Tier;
  tierName: { zh: string; en: string };
  earnedTier: Tier;
  earned365: number;
  benefits: TierBenefits;
  next: {
    tier: Tier;
    tierName: { zh: string; en: string };
    threshold: number;
    pointsNeeded: number;
  } | null;
  trial: { tier: Tier; until: string } | null;
  history: { from: Tier; to: Tier; reason: string; at: string }[];
  thresholds: Record<Tier, number>;
}

interface Row {
  tier: Tier;
  earned365: string;
  trial_tier: Tier | null;
  trial_until: Date | null;
  effective_tier: Tier;
}

export type MembershipService = ReturnType<typeof createMembershipService>;

export function createMembershipService(deps: {
  em: Em;
  clock: Clock;
  /** Points the user earned after `since` up to `until` (rewards answers; ISO timestamps). */
  pointsEarned: (em: Em, userId: number, since: string, until: string) => Promise<number>;
}) {
  async function earnedSince(em: Em, userId: number, now: Date): Promise<number> {
    const since = new Date(now.getTime() - EARNING_WINDOW_DAYS * DAY).toISOString();
    return deps.pointsEarned(em, userId, since, now.toISOString());
  }

  async function lockRow(em: Em, userId: number): Promise<Row> {
    await query(
      em,
      `insert into membership (user_id) values (?) on conflict (user_id) do nothing`,
      [userId],
    );
    return (await queryOne<Row>(
      em,
      `select tier, earned365, trial_tier, trial_until, effective_tier from membership where user_id = ? for update`,
      [userId],
    ))!;
  }

  /** Recomputes the tier (inside the caller's transaction when given one) and records a change. */
  async function recompute(
    userId: number,
    reason: string,
    em: Em = deps.em,
  ): Promise<{ tier: Tier; changed: boolean }> {
    return inTransaction(em, async (tx) => {
      const now = deps.clock.now();
      const row = await lockRow(tx, userId);
      const earned = await earnedSince(tx, userId, now);
      const earnedTier = tierForEarned(earned);
      const trialActive =
        row.trial_until != null && new Date(row.trial_until).getTime() > now.getTime();
      const tier = effectiveTier(
        earnedTier,
        { tier: row.trial_tier, until: row.trial_until ? new Date(row.trial_until) : null },
        now,
      );
      await query(
        tx,
        `update membership set tier = ?, earned365 = ?, effective_tier = ?, updated_at = ?::timestamptz,
            trial_tier = case when ?::boolean then trial_tier else null end,
            trial_until = case when ?::boolean then trial_until else null end
          where user_id = ?`,
        [earnedTier, earned, tier, now.toISOString(), trialActive, trialActive, userId],
      );
      const changed = tier !== row.effective_tier;
      if (changed) {
        const why = !trialActive && row.trial_tier ? 'trial_ended' : reason;
        await query(
          tx,
          `insert into tier_change (user_id, from_tier, to_tier, reason, earned365, created_at) values (?, ?, ?, ?, ?, ?::timestamptz)`,
          [userId, row.effective_tier, tier, why, earned, now.toISOString()],
        );
      }
      return { tier, changed };
    });
  }

  /** Grants (or extends) a trial tier for some days, e.g. the mall's 7-day VIP card. */
  async function grantTrial(
    userId: number,
    tier: Exclude<Tier, 'normal'>,
    days: number,
    em: Em,
  ): Promise<{ until: string }> {
    const now = deps.clock.now();
    const row = await lockRow(em, userId);
    const current =
      row.trial_until && new Date(row.trial_until).getTime() > now.getTime()
        ? new Date(row.trial_until).getTime()
        : now.getTime();
    const until = new Date(current + days * DAY);
    const trialTier =
      row.trial_tier && row.trial_until && new Date(row.trial_until) > now
        ? maxTier(row.trial_tier, tier)
        : tier;
    await query(
      em,
      `update membership set trial_tier = ?, trial_until = ?::timestamptz where user_id = ?`,
      [trialTier, until.toISOString(), userId],
    );
    await recompute(userId, 'trial', em);
    return { until: until.toISOString() };
  }

  /** The tier in force now (trial included), without writing anything. */
  async function tierOf(userId: number, em: Em = deps.em): Promise<Tier> {
    const row = await queryOne<Row>(
      em,
      `select tier, earned365, trial_tier, trial_until, effective_tier from membership where user_id = ?`,
      [userId],
    );
    if (!row) return 'normal';
    return effectiveTier(
      row.tier,
      { tier: row.trial_tier, until: row.trial_until ? new Date(row.trial_until) : null },
      deps.clock.now(),
    );
  }

  async function status(requestedId: number): Promise<MembershipView> {
    const userId = await resolveUserId(deps.em, requestedId);
    const now = deps.clock.now();
    const row = await queryOne<Row>(
      deps.em,
      `select tier, earned365, trial_tier, trial_until, effective_tier from membership where user_id = ?`,
      [userId],
    );
    const earned = await earnedSince(deps.em, userId, now);
    const earnedTier = tierForEarned(earned);
    const trial =
      row?.trial_tier && row.trial_until && new Date(row.trial_until) > now
        ? { tier: row.trial_tier, until: new Date(row.trial_until).toISOString() }
        : null;
    const tier = effectiveTier(
      earnedTier,
      { tier: trial?.tier ?? null, until: trial ? new Date(trial.until) : null },
      now,
    );
    const next = nextTier(earned);
    const history = await query<{
      from_tier: Tier;
      to_tier: Tier;
      reason: string;
      created_at: Date;
    }>(
      deps.em,
      `select from_tier, to_tier, reason, created_at from tier_change where user_id = ? order by id desc limit 20`,
      [userId],
    );
    return {
      userId,
      tier,
      tierName: TIER_NAMES[tier],
      earnedTier,
      earned365: earned,
      benefits: TIER_BENEFITS[tier],
      next: next && { ...next, tierName: TIER_NAMES[next.tier] },
      trial,
      history: history.map((h) => ({
        from: h.from_tier,
        to: h.to_tier,
        reason: h.reason,
        at: new Date(h.created_at).toISOString(),
      })),
      thresholds: TIER_THRESHOLDS,
    };
  }

  /** Daily job: earnings leave the 365-day window and trials end; promotions happen at earning time. */
  async function runDaily(): Promise<{ checked: number; changed: number }> {
    const rows = await query<{ user_id: string }>(
      deps.em,
      `select user_id from membership where effective_tier <> 'normal' or tier <> 'normal' or trial_tier is not null order by user_id`,
    );
    let changed = 0;
    for (const r of rows) if ((await recompute(Number(r.user_id), 'window')).changed) changed++;
    return { checked: rows.length, changed };
  }

  return { recompute, grantTrial, tierOf, status, runDaily };
}
