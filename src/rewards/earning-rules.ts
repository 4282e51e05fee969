// Earning rules as stored: read by every earning path, edited by admins (audited), and the
// earn guide the assistant answers "how do I earn" with.
import { DomainError } from '../shared/errors.js';
import { audit } from '../shared/audit.js';
import type { Clock } from '../shared/clock.js';
import { inTransaction, query, queryOne, type Em } from '../db/sql.js';
import { describeRule, type EarningRule } from './rewards.rules.js';

/** A row of `earning_rule` (its columns map one to one onto the rule's fields). */
interface RuleRow {
  code: string;
  trigger: string;
  title_zh: string;
  title_en: string;
  description_zh: string;
  description_en: string;
  amount: EarningRule['amount'];
  rate_per_yuan: EarningRule['ratePerYuan'];
  streak_bonus: EarningRule['streakBonus'];
  max_points: EarningRule['maxPoints'];
  daily_limit: EarningRule['dailyLimit'];
  total_limit: EarningRule['totalLimit'];
  monthly_limit: EarningRule['monthlyLimit'];
  cooldown_seconds: EarningRule['cooldownSeconds'];
  actor_daily_max: EarningRule['actorDailyMax'];
  apply_multiplier: boolean;
  pending_days: EarningRule['pendingDays'];
  active: boolean;
  starts_at: Date | string | null;
  ends_at: Date | string | null;
  sort_order: number;
}

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

export function createEarningRules(deps: { em: Em; clock: Clock }) {
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

  return { getRule, listRules, rulesForTrigger, updateRule, isLive, earnGuide };
}
