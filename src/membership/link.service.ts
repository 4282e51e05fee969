// Identity linking: a user asks for a one-time code (10 minutes) in one channel and enters it
// from another; the entering user is merged into the code's owner. Balances move with their
// lots and expiry dates (ledger entries of kind 'merge'), pending points too; enrollments,
// orders, awards, check-ins, reviews, roles and history follow. The merge is audited.
// The merged user's accounts are locked before their points are read and closed after they
// move, in one transaction: a concurrent credit either lands before (and moves) or finds the
// account closed and goes to the survivor (the ledger resolves it); nothing strands.
import { createHash } from 'node:crypto';
import { DomainError, isDomainError } from '../shared/errors.js';
import { audit } from '../shared/audit.js';
import { MINUTE, type Clock } from '../shared/clock.js';
import { normalizeCode, randomCode } from '../shared/codes.js';
import { inTransaction, query, queryOne, type Em } from '../db/sql.js';
import type { LedgerService } from '../ledger/ledger.service.js';
import type { MembershipService } from './membership.service.js';
import type { RewardsService } from '../rewards/rewards.service.js';
import { lockUsers, resolveUserId } from './user.lock.js';
import { movePoints } from './merge.points.js';

export const LINK_CODE_TTL_MS = 10 * MINUTE;

const hashCode = (code: string) => createHash('sha256').update(normalizeCode(code)).digest('hex');

export interface MergeResult {
  userId: number;
  mergedUserId: number;
  pointsMoved: number;
  pendingMoved: number;
  lotsMoved: number;
  identities: { channel: string; externalId: string }[];
  enrollmentsMoved: number;
  notes: string[];
}

export type LinkService = ReturnType<typeof createLinkService>;

export function createLinkService(deps: {
  em: Em;
  clock: Clock;
  ledger: LedgerService;
  membership: MembershipService;
  rewards: RewardsService;
}) {
  async function createCode(userId: number): Promise<{ code: string; expiresAt: string }> {
    const id = await resolveUserId(deps.em, userId);
    const now = deps.clock.now();
    const expiresAt = new Date(now.getTime() + LINK_CODE_TTL_MS);
    return inTransaction(deps.em, async (tx) => {
      await query(tx, `delete from link_code where user_id = ? and used_at is null`, [id]);
      for (;;) {
        const code = randomCode(8);
        const ok = await query(
          tx,
          `insert into link_code (code_hash, user_id, expires_at, created_at) values (?, ?, ?::timestamptz, ?::timestamptz) on conflict do nothing returning user_id`,
          [hashCode(code), id, expiresAt.toISOString(), now.toISOString()],
        );
        if (ok.length) return { code, expiresAt: expiresAt.toISOString() };
      }
    });
  }

  /** Enters a link code as `userId`: that user is merged into the code's owner. */
  async function redeemCode(userId: number, rawCode: string, actor = 'api'): Promise<MergeResult> {
    const now = deps.clock.now();
    return inTransaction(deps.em, async (tx) => {
      const src = await resolveUserId(tx, userId);
      const row = await queryOne<{ user_id: string }>(
        tx,
        `update link_code set used_at = ?::timestamptz, used_by_user_id = ? where code_hash = ? and used_at is null and expires_at > ?::timestamptz returning user_id`,
        [now.toISOString(), src, hashCode(rawCode), now.toISOString()],
      );
      if (!row)
        throw new DomainError(
          'link_code_invalid',
          'this link code is unknown, used or expired; ask for a new one',
        );
      const dst = await resolveUserId(tx, Number(row.user_id));
      if (dst === src)
        throw new DomainError(
          'conflict',
          'these identities are already linked to the same account',
        );
      // Locked, both must still be unmerged: a link of either committed while we waited is a retry.
      const locked = (await lockUsers(tx, [src, dst])).map((u) => u.id);
      if (!locked.includes(src) || !locked.includes(dst)) {
        throw new DomainError(
          'conflict',
          'one of these accounts was linked to another meanwhile; ask for a new code and link again',
        );
      }
      // Both users' accounts exist and are locked, in ascending id like every ledger lock.
      for (const kind of ['wallet', 'pending'] as const)
        await deps.ledger.userAccount(src, kind, tx);
      await query(
        tx,
        `select id from ledger_account where user_id in (?, ?) order by id for no key update`,
        [src, dst],
      );
      const busy = await queryOne<{ n: string }>(
        tx,
        `select (select count(*) from ledger_hold h join ledger_account a on a.id = h.account_id where a.user_id = ? and h.status = 'active')
              + (select count(*) from shop_order where user_id = ? and status in ('pending_payment', 'refunding')) as n`,
        [src, src],
      );
      if (Number(busy!.n) > 0)
        throw new DomainError(
          'conflict',
          'this account has a payment or redemption in progress; finish it, then link again',
        );
      const notes: string[] = [];
      const mergeActor = `${actor}:merge`;

      // Referrals between the two identities are self-referrals: void them and take their rewards back.
      const selfRefs = await query<{ invitee_user_id: string }>(
        tx,
        `update referral set status = 'void', note = 'self-referral found at account link' where status = 'active'
          and ((inviter_user_id = ? and invitee_user_id = ?) or (inviter_user_id = ? and invitee_user_id = ?)) returning invitee_user_id`,
        [src, dst, dst, src],
      );
      for (const r of selfRefs) {
        const awards = await query<{ id: string }>(
          tx,
          `select id from reward_award where status in ('granted', 'pending') and (source_key = ? or starts_with(source_key, ?))`,
          [`referral:joined:${r.invitee_user_id}`, `referral:purchase:${r.invitee_user_id}:`],
        );
        for (const a of awards) {
          try {
            await deps.rewards.reverseAward(
              tx,
              Number(a.id),
              mergeActor,
              'self-referral across linked identities',
            );
          } catch (err) {
            if (!isDomainError(err) || err.code !== 'insufficient_points') throw err;
            notes.push(`referral award ${a.id} was already spent and could not be taken back`);
          }
        }
      }

      const key = `merge:${src}:${dst}`;
      const reason = 'linked accounts merged: points moved with their expiry dates';
      const move = (kind: 'wallet' | 'pending') =>
        movePoints(tx, deps.ledger, {
          src,
          dst,
          kind,
          key: `${key}:${kind}`,
          entryKind: 'merge',
          actor: mergeActor,
          reason,
        });
      const wallet = await move('wallet');
      const pending = await move('pending');

      const identities = await query<{ channel: string; external_id: string }>(
        tx,
        `update user_identity set user_id = ? where user_id = ? returning channel, external_id`,
        [dst, src],
      );
      for (const t of [
        'shop_order',
        'reward_award',
        'learning_event',
        'coupon_code',
        'tier_change',
        'referral_code',
      ]) {
        await query(tx, `update ${t} set user_id = ? where user_id = ?`, [dst, src]);
      }
      await query(tx, `update moderator_grant set user_id = ? where user_id = ?`, [dst, src]);
      await query(
        tx,
        `update moderator_grant set moderator_user_id = ? where moderator_user_id = ?`,
        [dst, src],
      );
      await query(tx, `delete from redeem_quote where user_id = ?`, [src]);
      await query(tx, `delete from link_code where user_id = ? and used_at is null`, [src]);
      await query(
        tx,
        `update checkin c set user_id = ? where c.user_id = ? and not exists (select 1 from checkin d where d.user_id = ? and d.local_date = c.local_date)`,
        [dst, src, dst],
      );
      await query(
        tx,
        `update enrollment e set status = 'merged' where e.user_id = ? and e.status = 'active'
           and exists (select 1 from enrollment d where d.user_id = ? and d.course_id = e.course_id and d.status = 'active')`,
        [src, dst],
      );
      const enrolled = await query(
        tx,
        `update enrollment set user_id = ? where user_id = ? returning status`,
        [dst, src],
      );
      await query(
        tx,
        `update course_review r set user_id = ? where r.user_id = ? and not exists (select 1 from course_review d where d.user_id = ? and d.course_id = r.course_id)`,
        [dst, src, dst],
      );
      // The merged person keeps one referral as invitee: the account kept wins.
      const dstReferred = await queryOne(tx, `select 1 from referral where invitee_user_id = ?`, [
        dst,
      ]);
      if (dstReferred)
        await query(
          tx,
          `update referral set status = 'void', note = 'merged into a referred account' where invitee_user_id = ? and status = 'active'`,
          [src],
        );
      else
        await query(
          tx,
          `update referral set invitee_user_id = ? where invitee_user_id = ? and status = 'active'`,
          [dst, src],
        );
      await query(
        tx,
        `update referral set inviter_user_id = ? where inviter_user_id = ? and status = 'active'`,
        [dst, src],
      );
      await query(
        tx,
        `update moderator_role r set user_id = ? where r.user_id = ? and r.revoked_at is null
           and not exists (select 1 from moderator_role d where d.user_id = ? and d.community = r.community and d.revoked_at is null)`,
        [dst, src, dst],
      );
      await query(
        tx,
        `update moderator_role set revoked_at = ?::timestamptz, revoked_by = ? where user_id = ? and revoked_at is null`,
        [now.toISOString(), mergeActor, src],
      );
      await query(
        tx,
        `update community_member m set user_id = ? where m.user_id = ? and not exists (select 1 from community_member d where d.user_id = ? and d.community = m.community)`,
        [dst, src, dst],
      );
      // A trial tier carries over (the later end wins).
      const trial = await queryOne<{ trial_tier: string | null; trial_until: Date | null }>(
        tx,
        `select trial_tier, trial_until from membership where user_id = ?`,
        [src],
      );
      if (trial?.trial_tier && trial.trial_until && new Date(trial.trial_until) > now) {
        await query(tx, `insert into membership (user_id) values (?) on conflict do nothing`, [
          dst,
        ]);
        await query(
          tx,
          `update membership set trial_tier = case when trial_until is null or trial_until < ?::timestamptz then ? else trial_tier end,
              trial_until = greatest(coalesce(trial_until, ?::timestamptz), ?::timestamptz) where user_id = ?`,
          [
            new Date(trial.trial_until).toISOString(),
            trial.trial_tier,
            new Date(trial.trial_until).toISOString(),
            new Date(trial.trial_until).toISOString(),
            dst,
          ],
        );
      }
      await query(
        tx,
        `update membership set tier = 'normal', effective_tier = 'normal', earned365 = 0, trial_tier = null, trial_until = null where user_id = ?`,
        [src],
      );
      await query(
        tx,
        `update app_user set merged_into_id = ?, merged_at = ?::timestamptz where id = ?`,
        [dst, now.toISOString(), src],
      );
      // Users merged into src earlier now point at dst: a chain of merges stays one hop long.
      await query(tx, `update app_user set merged_into_id = ? where merged_into_id = ?`, [
        dst,
        src,
      ]);
      await query(tx, `update ledger_account set closed_at = ?::timestamptz where user_id = ?`, [
        now.toISOString(),
        src,
      ]);
      await deps.membership.recompute(dst, 'merge', tx);
      const result: MergeResult = {
        userId: dst,
        mergedUserId: src,
        pointsMoved: wallet.points,
        pendingMoved: pending.points,
        lotsMoved: wallet.lots + pending.lots,
        identities: identities.map((i) => ({ channel: i.channel, externalId: i.external_id })),
        enrollmentsMoved: enrolled.length,
        notes,
      };
      await audit(tx, {
        actor,
        action: 'user.merge',
        subject: `user:${dst}`,
        details: { ...result },
      });
      return result;
    });
  }

  return { createCode, redeemCode };
}
