// The earning engine every earning path goes through: load the rule, gather the user's
// history, evaluate purely, credit through the ledger (wallet, or pending during a refund
// window), record the award and recompute the tier. Plus reversals; rule edits and the earn
// guide live in earning-rules.ts, the pending-release job in rewards.release.ts.
import { DAY, localDate, type Clock } from '../shared/clock.js';
import { scopedKey } from '../ledger/idempotency.js';
import { query, queryOne, type Em } from '../db/sql.js';
import type { LedgerService } from '../ledger/ledger.service.js';
import type { MembershipService } from '../membership/membership.service.js';
import { TIER_BENEFITS } from '../membership/membership.rules.js';
import { evaluate, type DenyReason } from './rewards.rules.js';
import { createEarningRules } from './earning-rules.js';
import { releasePendingAwards } from './rewards.release.js';

export interface AwardInput {
  userId: number;
  timeZone: string;
  ruleCode: string;
  /** Unique per earning occasion: the same source never earns twice. */
  sourceKey: string;
  actor: string;
  reason: string;
  metadata?: Record<string, unknown>;
  streak?: number;
  paidFen?: number;
  requested?: number;
  actorToday?: number;
  orderId?: number;
  /** End of the refund window for pending rules (default: now + rule.pendingDays). */
  releaseAt?: Date;
}

export interface AwardOutcome {
  ruleCode: string;
  awarded: boolean;
  points: number;
  basePoints: number;
  multiplierPermille: number;
  pending: boolean;
  reason: DenyReason | null;
  retryAt: string | null;
  awardId: number | null;
  entryId: number | null;
  replayed: boolean;
}

export function entryKindFor(ruleCode: string): string {
  if (ruleCode.startsWith('checkin')) return 'earn.checkin';
  if (ruleCode.startsWith('referral')) return 'earn.referral';
  if (ruleCode.startsWith('moderator')) return 'grant.moderator';
  if (ruleCode.startsWith('purchase')) return 'earn.purchase';
  return 'earn.task';
}

export type RewardsService = ReturnType<typeof createRewardsService>;

export function createRewardsService(deps: {
  em: Em;
  ledger: LedgerService;
  membership: MembershipService;
  clock: Clock;
  /** Whether an order is paid (orders answers): a purchase's points release only then. */
  isOrderPaid: (em: Em, orderId: number) => Promise<boolean>;
}) {
  const rules = createEarningRules(deps);
  const { getRule } = rules;

  /** Awards points for one earning occasion. The caller holds the user's lock in `tx`. */
  async function award(tx: Em, input: AwardInput): Promise<AwardOutcome> {
    const none = (reason: DenyReason | null, extra: Partial<AwardOutcome> = {}): AwardOutcome => ({
      ruleCode: input.ruleCode,
      awarded: false,
      points: 0,
      basePoints: 0,
      multiplierPermille: 1000,
      pending: false,
      reason,
      retryAt: null,
      awardId: null,
      entryId: null,
      replayed: false,
      ...extra,
    });
    const prior = await queryOne<{
      id: string;
      points: number;
      base_points: number;
      multiplier_permille: number;
      status: string;
      entry_id: string;
    }>(
      tx,
      `select id, points, base_points, multiplier_permille, status, entry_id from reward_award where source_key = ?`,
      [input.sourceKey],
    );
    // This occasion already earned: nothing more (the first award stands).
    if (prior)
      return none('already_awarded', {
        awardId: Number(prior.id),
        entryId: Number(prior.entry_id),
        replayed: true,
      });
    const rule = await getRule(input.ruleCode, tx);
    const now = deps.clock.now();
    const today = localDate(now, input.timeZone);
    const stats = await queryOne<{
      today: string;
      month: string;
      total: string;
      last: Date | null;
    }>(
      tx,
      `select count(*) filter (where local_date = ?) as today, count(*) filter (where left(local_date, 7) = ?) as month,
              count(*) as total, max(created_at) as last
         from reward_award where user_id = ? and rule_code = ? and status <> 'reversed'`,
      [today, today.slice(0, 7), input.userId, rule.code],
    );
    const tier = await deps.membership.tierOf(input.userId, tx);
    const res = evaluate(rule, {
      now,
      todayCount: Number(stats!.today),
      monthCount: Number(stats!.month),
      totalCount: Number(stats!.total),
      lastAwardAt: stats!.last ? new Date(stats!.last) : null,
      multiplierPermille: TIER_BENEFITS[tier].multiplierPermille,
      streak: input.streak,
      paidFen: input.paidFen,
      requested: input.requested,
      actorToday: input.actorToday,
    });
    if (!res.ok) return none(res.reason, { retryAt: res.retryAt?.toISOString() ?? null });
    const pending = rule.pendingDays != null;
    const releaseAt = pending
      ? (input.releaseAt ?? new Date(now.getTime() + rule.pendingDays! * DAY))
      : null;
    const metadata = {
      ...input.metadata,
      rule: rule.code,
      source: input.sourceKey,
      basePoints: res.base,
      multiplierPermille: res.multiplierPermille,
    };
    const credit = await deps.ledger.credit(
      {
        key: scopedKey('award', input.sourceKey),
        userId: input.userId,
        amount: res.points,
        reason: input.reason,
        actor: input.actor,
        kind: entryKindFor(rule.code),
        metadata,
        accountKind: pending ? 'pending' : 'wallet',
      },
      tx,
    );
    const row = await queryOne<{ id: string }>(
      tx,
      `insert into reward_award (user_id, rule_code, source_key, base_points, multiplier_permille, points, status, entry_id, release_at,
          order_id, actor, local_date, metadata, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?::timestamptz, ?, ?, ?, ?::jsonb, ?::timestamptz) returning id`,
      [
        input.userId,
        rule.code,
        input.sourceKey,
        res.base,
        res.multiplierPermille,
        res.points,
        pending ? 'pending' : 'granted',
        credit.entryId,
        releaseAt?.toISOString() ?? null,
        input.orderId ?? null,
        input.actor.slice(0, 200),
        today,
        JSON.stringify(input.metadata ?? {}),
        now.toISOString(),
      ],
    );
    await deps.membership.recompute(input.userId, 'earned', tx);
    return {
      ruleCode: rule.code,
      awarded: true,
      points: res.points,
      basePoints: res.base,
      multiplierPermille: res.multiplierPermille,
      pending,
      reason: null,
      retryAt: null,
      awardId: Number(row!.id),
      entryId: credit.entryId,
      replayed: false,
    };
  }

  /** Takes an award back (refund, admin undo): reverses its ledger entries and the tier follows. */
  async function reverseAward(
    tx: Em,
    awardId: number,
    actor: string,
    reason: string,
  ): Promise<{ reversed: boolean; points: number }> {
    const row = await queryOne<{ user_id: string; entry_id: string; points: number }>(
      tx,
      `update reward_award set status = 'reversed' where id = ? and status in ('granted', 'pending') returning user_id, entry_id, points`,
      [awardId],
    );
    if (!row) return { reversed: false, points: 0 };
    const r = await deps.ledger.reverse(
      { entryId: Number(row.entry_id), key: `award-reverse:${awardId}`, actor, reason },
      tx,
    );
    await query(tx, `update reward_award set reverse_entry_id = ? where id = ?`, [
      r.entryId,
      awardId,
    ]);
    await deps.membership.recompute(Number(row.user_id), 'reversed', tx);
    return { reversed: true, points: row.points };
  }

  /** Job: pending points whose refund window closed move from 'pending' to the wallet. */
  const releasePending = (limit = 500) => releasePendingAwards(deps, limit);

  return { ...rules, award, reverseAward, releasePending };
}
