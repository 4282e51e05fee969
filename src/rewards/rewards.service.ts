// The earning engine every earning path goes through: load the rule, gather the user's
// history, evaluate purely, credit through the ledger (wallet, or pending during a refund
// window), record the award and recompute the tier. Plus admin rule edits, the earn guide,
// the pending-release job and reversals.
import { DomainError } from '../shared/errors.js';
import { audit } from '../shared/audit.js';
import { DAY, localDate, type Clock } from '../shared/clock.js';
import { scopedKey } from '../shared/with-idempotency.js';
import { inTransaction, query, queryOne, type Em } from '../db/sql.js';
import type { LedgerService } from '../ledger/ledger.service.js';
import type { MembershipService } from '../membership/membership.service.js';
import { TIER_BENEFITS } from '../membership/membership.rules.js';
import { describeRule, evaluate, type DenyReason, type EarningRule } from './rewards.rules.js';

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

type RuleRow = Record<string, any>;

const toRule = (r: RuleRow): EarningRule => ({
  code: r.code,
  trigger: r.trigger,
  titleZh: r.title_zh,
  titleEn: r.title_en,
  descriptionZh: r.description_zh,
  descriptionEn: r.description_en,
  amount: r.amount,
  ratePerYuan: r.rate_per_yuan,
  streakBonus: r.streak_bonus,
  maxPoints: r.max_points,
  dailyLimit: r.daily_limit,
  totalLimit: r.total_limit,
  monthlyLimit: r.monthly_limit,
  cooldownSeconds: r.cooldown_seconds,
  actorDailyMax: r.actor_daily_max,
  applyMultiplier: r.apply_multiplier,
  pendingDays: r.pending_days,
  active: r.active,
  startsAt: r.starts_at ? new Date(r.starts_at) : null,
  endsAt: r.ends_at ? new Date(r.ends_at) : null,
  sortOrder: r.sort_order,
});

export type RulePatch = Partial<
  Omit<EarningRule, 'code' | 'trigger' | 'startsAt' | 'endsAt'> & {
    startsAt: string | null;
    endsAt: string | null;
  }
>;

const PATCH_COLS: Record<string, string> = {
  titleZh: 'title_zh',
  titleEn: 'title_en',
  descriptionZh: 'description_zh',
  descriptionEn: 'description_en',
  amount: 'amount',
  ratePerYuan: 'rate_per_yuan',
  streakBonus: 'streak_bonus',
  maxPoints: 'max_points',
  dailyLimit: 'daily_limit',
  totalLimit: 'total_limit',
  monthlyLimit: 'monthly_limit',
  cooldownSeconds: 'cooldown_seconds',
  actorDailyMax: 'actor_daily_max',
  applyMultiplier: 'apply_multiplier',
  pendingDays: 'pending_days',
  active: 'active',
  startsAt: 'starts_at',
  endsAt: 'ends_at',
  sortOrder: 'sort_order',
};

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
  async function getRule(code: string, em: Em = deps.em): Promise<EarningRule> {
    const r = await queryOne<RuleRow>(em, `select * from earning_rule where code = ?`, [code]);
    if (!r) throw new DomainError('rule_not_found', `no earning rule "${code}"`, { code });
    return toRule(r);
  }

  async function listRules(): Promise<EarningRule[]> {
    return (
      await query<RuleRow>(deps.em, `select * from earning_rule order by sort_order, code`)
    ).map(toRule);
  }

  async function rulesForTrigger(trigger: string, em: Em = deps.em): Promise<EarningRule[]> {
    return (
      await query<RuleRow>(
        em,
        `select * from earning_rule where trigger = ? order by sort_order, code`,
        [trigger],
      )
    ).map(toRule);
  }

  async function updateRule(code: string, patch: RulePatch, actor: string): Promise<EarningRule> {
    return inTransaction(deps.em, async (tx) => {
      const before = await queryOne<RuleRow>(
        tx,
        `select * from earning_rule where code = ? for update`,
        [code],
      );
      if (!before) throw new DomainError('rule_not_found', `no earning rule "${code}"`, { code });
      const merged = { ...toRule(before), ...patch };
      if ((merged.amount == null) === (merged.ratePerYuan == null)) {
        throw new DomainError(
          'invalid_input',
          'a rule has either an amount or a ratePerYuan, not both or neither',
        );
      }
      if (
        merged.startsAt &&
        merged.endsAt &&
        new Date(merged.startsAt) >= new Date(merged.endsAt)
      ) {
        throw new DomainError('invalid_input', 'startsAt must be before endsAt');
      }
      const sets: string[] = [];
      const values: unknown[] = [];
      for (const [prop, col] of Object.entries(PATCH_COLS)) {
        const v = (patch as Record<string, unknown>)[prop];
        if (v === undefined) continue;
        sets.push(`${col} = ?`);
        values.push(v);
      }
      sets.push('updated_at = ?::timestamptz', 'updated_by = ?');
      values.push(deps.clock.now().toISOString(), actor.slice(0, 200));
      await query(tx, `update earning_rule set ${sets.join(', ')} where code = ?`, [
        ...values,
        code,
      ]);
      await audit(tx, {
        actor,
        action: 'rule.update',
        subject: `rule:${code}`,
        details: { patch, before: toRule(before) },
      });
      return getRule(code, tx);
    });
  }

  function isLive(rule: EarningRule, now: Date): boolean {
    return (
      rule.active && (!rule.startsAt || rule.startsAt <= now) && (!rule.endsAt || rule.endsAt > now)
    );
  }

  /** The active rules in the user's language: what the assistant answers to "how do I earn". */
  async function earnGuide(lang: 'zh' | 'en') {
    const now = deps.clock.now();
    return (await listRules()).filter((r) => isLive(r, now)).map((r) => describeRule(r, lang));
  }

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
  async function releasePending(limit = 500): Promise<{ released: number; points: number }> {
    const now = deps.clock.now().toISOString();
    const due = await query<{ id: string }>(
      deps.em,
      `select id from reward_award where status = 'pending' and release_at <= ?::timestamptz order by release_at, id limit ?`,
      [now, limit],
    );
    let released = 0;
    let points = 0;
    for (const { id } of due) {
      const moved = await inTransaction(deps.em, async (tx) => {
        // A refund in progress holds its order in 'refunding': its points stay pending.
        const a = await queryOne<{ user_id: string; points: number; order_id: string | null }>(
          tx,
          `select user_id, points, order_id from reward_award
            where id = ? and status = 'pending' and release_at <= ?::timestamptz for update`,
          [Number(id), now],
        );
        if (!a || (a.order_id != null && !(await deps.isOrderPaid(tx, Number(a.order_id)))))
          return 0;
        await query(tx, `update reward_award set status = 'released' where id = ?`, [Number(id)]);
        const userId = Number(a.user_id);
        const pendingAcc = await deps.ledger.userAccount(userId, 'pending', tx);
        const walletAcc = await deps.ledger.userAccount(userId, 'wallet', tx);
        const e = await deps.ledger.postEntry(
          {
            key: `award-release:${id}`,
            kind: 'earn.release',
            actor: 'system:release',
            reason: 'refund window closed: points are now spendable',
            metadata: { awardId: Number(id) },
            postings: [
              { account: pendingAcc, amount: -a.points },
              { account: walletAcc, amount: a.points },
            ],
          },
          tx,
        );
        await query(tx, `update reward_award set release_entry_id = ? where id = ?`, [
          e.entryId,
          Number(id),
        ]);
        return a.points;
      });
      if (moved) {
        released++;
        points += moved;
      }
    }
    return { released, points };
  }

  return {
    getRule,
    listRules,
    rulesForTrigger,
    updateRule,
    earnGuide,
    award,
    reverseAward,
    releasePending,
    isLive,
  };
}
