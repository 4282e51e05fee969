// Daily check-in: one per local day in the user's time zone, with a streak that continues
// only from yesterday. Points come from the 'checkin.daily' rule (10, +10 a day, up to 70).
import { DomainError } from '../shared/errors.js';
import { addDays, daysBetween, localDate, startOfLocalDay, type Clock } from '../shared/clock.js';
import { walletBalance } from '../ledger/ledger.wallet.js';
import { inTransaction, query, queryOne, type Em } from '../db/sql.js';
import { lockUser, resolveUserId, userInfo } from '../membership/user.lock.js';
import { basePoints, nextStreak } from './rewards.rules.js';
import type { RewardsService } from './rewards.service.js';
import type { LedgerService } from '../ledger/ledger.service.js';

export interface CheckinResult {
  userId: number;
  date: string;
  points: number;
  streak: number;
  balance: number;
  /** What checking in tomorrow would earn (before any tier multiplier). */
  tomorrowBasePoints: number;
  nextCheckinAt: string;
}

export interface CheckinStatus {
  checkedInToday: boolean;
  today: string;
  streak: number;
  nextCheckinAt: string;
}

export type CheckinService = ReturnType<typeof createCheckinService>;

export function createCheckinService(deps: {
  em: Em;
  clock: Clock;
  rewards: RewardsService;
  ledger: LedgerService;
  onInteraction?: (userId: number) => Promise<void>;
}) {
  const lastCheckin = (em: Em, userId: number) =>
    queryOne<{ local_date: string; streak: number }>(
      em,
      `select local_date, streak from checkin where user_id = ? order by local_date desc limit 1`,
      [userId],
    );

  function refuseIfDone(
    prev: { local_date: string; streak: number } | null | undefined,
    today: string,
    timeZone: string,
  ) {
    if (prev && prev.local_date >= today) {
      throw new DomainError('already_checked_in', 'already checked in today; come back tomorrow', {
        streak: prev.streak,
        nextCheckinAt: startOfLocalDay(addDays(today, 1), timeZone).toISOString(),
      });
    }
  }

  async function checkin(userId: number): Promise<CheckinResult> {
    // Most check-ins are a second one the same day: a committed row for today refuses it without
    // a transaction or a lock. Without one, the transaction below looks again under the user's
    // lock (and the unique (user, date) key stands behind it), so two at once still award once.
    const seen = await userInfo(deps.em, userId);
    refuseIfDone(
      await lastCheckin(deps.em, seen.id),
      localDate(deps.clock.now(), seen.timeZone),
      seen.timeZone,
    );
    const result = await inTransaction(deps.em, async (tx) => {
      const user = await lockUser(tx, userId);
      const now = deps.clock.now();
      const today = localDate(now, user.timeZone);
      const prev = await lastCheckin(tx, user.id);
      const nextAt = startOfLocalDay(addDays(today, 1), user.timeZone).toISOString();
      refuseIfDone(prev, today, user.timeZone);
      const streak = nextStreak(
        prev ? { date: prev.local_date, streak: prev.streak } : null,
        today,
        daysBetween,
      );
      const outcome = await deps.rewards.award(tx, {
        userId: user.id,
        timeZone: user.timeZone,
        ruleCode: 'checkin.daily',
        sourceKey: `checkin:${user.id}:${today}`,
        actor: `user:${user.id}`,
        reason: streak > 1 ? `daily check-in (day ${streak} in a row)` : 'daily check-in',
        streak,
        metadata: { date: today, streak },
      });
      await query(
        tx,
        `insert into checkin (user_id, local_date, streak, points, created_at) values (?, ?, ?, ?, ?::timestamptz)`,
        [user.id, today, streak, outcome.points, now.toISOString()],
      );
      const rule = await deps.rewards.getRule('checkin.daily', tx);
      const balance = await walletBalance(tx, user.id);
      return {
        userId: user.id,
        date: today,
        points: outcome.points,
        streak,
        balance: balance,
        tomorrowBasePoints: basePoints(rule, { streak: streak + 1 }),
        nextCheckinAt: nextAt,
      };
    });
    await deps.onInteraction?.(result.userId);
    return result;
  }

  async function status(requestedId: number, tz: string): Promise<CheckinStatus> {
    const userId = await resolveUserId(deps.em, requestedId);
    const today = localDate(deps.clock.now(), tz);
    const prev = await lastCheckin(deps.em, userId);
    const alive = prev && (prev.local_date === today || prev.local_date === addDays(today, -1));
    return {
      checkedInToday: prev?.local_date === today,
      today,
      streak: alive ? prev!.streak : 0,
      nextCheckinAt:
        prev?.local_date === today
          ? startOfLocalDay(addDays(today, 1), tz).toISOString()
          : deps.clock.now().toISOString(),
    };
  }

  return { checkin, status };
}
