// Referrals: each user has a code; a new user who accepts it is bound to the inviter. The
// inviter earns when the invitee first interacts (referral.joined) and again, pending the
// refund window, at the invitee's first paid purchase. Fraud rules: no self-referral (also
// across linked identities: linked identities are one user), one referral per invitee, only
// new users, no cycles, and the rule's per-inviter monthly limit.
import { DomainError } from '../shared/errors.js';
import { randomCode, normalizeCode } from '../shared/codes.js';
import { inTransaction, query, queryOne, type Em } from '../db/sql.js';
import { lockUser, lockUsers, resolveUserId } from '../membership/user.lock.js';
import type { Clock } from '../shared/clock.js';
import type { RewardsService } from './rewards.service.js';

export interface ReferralInfo {
  code: string;
  link: string;
  invited: number;
  rewarded: number;
  pointsEarned: number;
  referredBy: number | null;
}

export type ReferralRejection =
  'unknown_code' | 'self_referral' | 'already_referred' | 'not_new_user' | 'cycle';

export type ReferralsService = ReturnType<typeof createReferralsService>;

export function createReferralsService(deps: {
  em: Em;
  clock: Clock;
  rewards: RewardsService;
  publicUrl: string;
  /** Whether the user ever placed an order (orders answers). */
  hasOrders: (em: Em, userId: number) => Promise<boolean>;
}) {
  const reject = (reason: ReferralRejection, message: string) =>
    new DomainError('referral_rejected', message, { reason });

  async function codeOf(userId: number, em: Em = deps.em): Promise<string> {
    const id = await resolveUserId(em, userId);
    const existing = await queryOne<{ code: string }>(
      em,
      `select code from referral_code where user_id = ? order by created_at, code limit 1`,
      [id],
    );
    if (existing) return existing.code;
    for (;;) {
      const code = randomCode(8);
      const row = await inTransaction(em, async (tx) => {
        await lockUser(tx, id);
        const again = await queryOne<{ code: string }>(
          tx,
          `select code from referral_code where user_id = ? order by created_at, code limit 1`,
          [id],
        );
        if (again) return again;
        return queryOne<{ code: string }>(
          tx,
          `insert into referral_code (code, user_id) values (?, ?) on conflict (code) do nothing returning code`,
          [code, id],
        );
      });
      if (row) return row.code;
    }
  }

  async function info(userId: number): Promise<ReferralInfo> {
    const id = await resolveUserId(deps.em, userId);
    const code = await codeOf(id);
    const stats = await queryOne<{ invited: string; rewarded: string }>(
      deps.em,
      `select count(*) as invited, count(*) filter (where join_awarded_at is not null) as rewarded from referral where inviter_user_id = ? and status = 'active'`,
      [id],
    );
    const earned = await queryOne<{ s: string }>(
      deps.em,
      `select coalesce(sum(points), 0) as s from reward_award where user_id = ? and rule_code like 'referral.%' and status <> 'reversed'`,
      [id],
    );
    const by = await queryOne<{ inviter_user_id: string }>(
      deps.em,
      `select inviter_user_id from referral where invitee_user_id = ? and status = 'active'`,
      [id],
    );
    return {
      code,
      link: `${deps.publicUrl.replace(/\/$/, '')}/r/${code}`,
      invited: Number(stats!.invited),
      rewarded: Number(stats!.rewarded),
      pointsEarned: Number(earned!.s),
      referredBy: by ? Number(by.inviter_user_id) : null,
    };
  }

  /** Binds a new user to the owner of a referral code. */
  async function accept(
    inviteeUserId: number,
    rawCode: string,
  ): Promise<{ inviterUserId: number; inviteeUserId: number }> {
    const code = normalizeCode(rawCode);
    const owner = await queryOne<{ user_id: string }>(
      deps.em,
      `select user_id from referral_code where code = ?`,
      [code],
    );
    if (!owner) throw reject('unknown_code', 'this referral code does not exist');
    return inTransaction(deps.em, async (tx) => {
      const inviter = await resolveUserId(tx, Number(owner.user_id));
      const invitee = await resolveUserId(tx, inviteeUserId);
      if (inviter === invitee)
        throw reject(
          'self_referral',
          'you cannot use your own referral code (linked accounts count as you)',
        );
      await lockUsers(tx, [inviter, invitee]);
      if (await queryOne(tx, `select 1 from referral where invitee_user_id = ?`, [invitee])) {
        throw reject('already_referred', 'this account was already referred');
      }
      if (
        await queryOne(
          tx,
          `select 1 from referral where invitee_user_id = ? and inviter_user_id = ?`,
          [inviter, invitee],
        )
      ) {
        throw reject('cycle', 'the person who invited you cannot be invited back');
      }
      const active = await queryOne<{ n: string }>(
        tx,
        `select (select count(*) from reward_award where user_id = ?) + (select count(*) from checkin where user_id = ?)
              + (select count(*) from learning_event where user_id = ?) as n`,
        [invitee, invitee, invitee],
      );
      if (Number(active!.n) > 0 || (await deps.hasOrders(tx, invitee)))
        throw reject('not_new_user', 'only new users can accept an invitation');
      await query(
        tx,
        `insert into referral (invitee_user_id, inviter_user_id, code, created_at) values (?, ?, ?, ?::timestamptz)`,
        [invitee, inviter, code, deps.clock.now().toISOString()],
      );
      return { inviterUserId: inviter, inviteeUserId: invitee };
    });
  }

  /** The invitee interacted (check-in, event, redemption…): the inviter's join reward, once. */
  async function onInteraction(inviteeUserId: number): Promise<void> {
    const ref = await queryOne<{ inviter_user_id: string; invitee_user_id: string }>(
      deps.em,
      `select inviter_user_id, invitee_user_id from referral where invitee_user_id = ? and status = 'active' and join_awarded_at is null`,
      [inviteeUserId],
    );
    if (!ref) return;
    await inTransaction(deps.em, async (tx) => {
      const inviter = await lockUser(tx, Number(ref.inviter_user_id));
      const claimed = await query(
        tx,
        `update referral set join_awarded_at = ?::timestamptz where invitee_user_id = ? and status = 'active' and join_awarded_at is null returning id`,
        [deps.clock.now().toISOString(), inviteeUserId],
      );
      if (!claimed.length) return;
      const out = await deps.rewards.award(tx, {
        userId: inviter.id,
        timeZone: inviter.timeZone,
        ruleCode: 'referral.joined',
        sourceKey: `referral:joined:${inviteeUserId}`,
        actor: 'system:referral',
        reason: 'a friend you invited joined',
        metadata: { inviteeUserId },
      });
      if (!out.awarded)
        await query(tx, `update referral set note = ? where invitee_user_id = ?`, [
          `join reward withheld: ${out.reason}`,
          inviteeUserId,
        ]);
    });
  }

  /** Inside the purchase transaction: the inviter's first-purchase reward, pending like the buyer's. */
  async function onFirstPurchase(
    tx: Em,
    inviteeUserId: number,
    orderId: number,
    releaseAt: Date,
  ): Promise<void> {
    const ref = await queryOne<{ inviter_user_id: string }>(
      tx,
      `update referral set purchase_order_id = ? where invitee_user_id = ? and status = 'active' and purchase_order_id is null
         and not exists (select 1 from reward_award where rule_code = 'referral.first_purchase' and metadata->>'inviteeUserId' = ?::text and status <> 'reversed')
       returning inviter_user_id`,
      [orderId, inviteeUserId, String(inviteeUserId)],
    );
    if (!ref) return;
    const inviter = await lockUser(tx, Number(ref.inviter_user_id));
    await deps.rewards.award(tx, {
      userId: inviter.id,
      timeZone: inviter.timeZone,
      ruleCode: 'referral.first_purchase',
      sourceKey: `referral:purchase:${inviteeUserId}:${orderId}`,
      actor: 'system:referral',
      reason: 'a friend you invited made their first purchase',
      metadata: { inviteeUserId, orderId },
      orderId,
      releaseAt,
    });
  }

  /** A refunded purchase no longer counts as the invitee's first purchase. */
  async function onRefund(tx: Em, orderId: number): Promise<void> {
    await query(tx, `update referral set purchase_order_id = null where purchase_order_id = ?`, [
      orderId,
    ]);
  }

  /** Whether a referral code exists (as typed: case, spaces and dashes do not matter). */
  async function exists(rawCode: string): Promise<boolean> {
    const code = normalizeCode(rawCode);
    if (!/^[A-Z0-9]{1,40}$/.test(code)) return false;
    return Boolean(await queryOne(deps.em, `select 1 from referral_code where code = ?`, [code]));
  }

  return { codeOf, info, accept, onInteraction, onFirstPurchase, onRefund, exists };
}
