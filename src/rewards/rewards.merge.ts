// Rewards' part of merging two users. Referrals between the two identities are self-referrals:
// they are voided and their rewards taken back (before the points move, from whoever holds
// them). Awards, learning events, referral codes, grants and check-ins follow the survivor.
import { isDomainError } from '../shared/errors.js';
import { query, queryOne, type Em } from '../db/sql.js';
import type { RewardsService } from './rewards.service.js';

export function rewardsMergeHook(rewards: RewardsService) {
  async function voidSelfReferrals(from: number, into: number, tx: Em, actor: string) {
    const notes: string[] = [];
    const selfRefs = await query<{ invitee_user_id: string }>(
      tx,
      `update referral set status = 'void', note = 'self-referral found at account link' where status = 'active'
        and ((inviter_user_id = ? and invitee_user_id = ?) or (inviter_user_id = ? and invitee_user_id = ?)) returning invitee_user_id`,
      [from, into, into, from],
    );
    for (const r of selfRefs) {
      const awards = await query<{ id: string }>(
        tx,
        `select id from reward_award where status in ('granted', 'pending') and (source_key = ? or starts_with(source_key, ?))`,
        [`referral:joined:${r.invitee_user_id}`, `referral:purchase:${r.invitee_user_id}:`],
      );
      for (const a of awards) {
        try {
          await rewards.reverseAward(
            tx,
            Number(a.id),
            actor,
            'self-referral across linked identities',
          );
        } catch (err) {
          if (!isDomainError(err) || err.code !== 'insufficient_points') throw err;
          notes.push(`referral award ${a.id} was already spent and could not be taken back`);
        }
      }
    }
    return notes;
  }

  /** The merged person keeps one referral as invitee: the account kept wins. */
  async function moveReferrals(from: number, into: number, tx: Em) {
    const intoReferred = await queryOne(tx, `select 1 from referral where invitee_user_id = ?`, [
      into,
    ]);
    if (intoReferred)
      await query(
        tx,
        `update referral set status = 'void', note = 'merged into a referred account' where invitee_user_id = ? and status = 'active'`,
        [from],
      );
    else
      await query(
        tx,
        `update referral set invitee_user_id = ? where invitee_user_id = ? and status = 'active'`,
        [into, from],
      );
    await query(
      tx,
      `update referral set inviter_user_id = ? where inviter_user_id = ? and status = 'active'`,
      [into, from],
    );
  }

  return {
    async mergeUser(from: number, into: number, tx: Em, ctx: { actor: string }) {
      const notes = await voidSelfReferrals(from, into, tx, ctx.actor);
      for (const t of ['reward_award', 'learning_event', 'referral_code', 'moderator_grant'])
        await query(tx, `update ${t} set user_id = ? where user_id = ?`, [into, from]);
      await query(
        tx,
        `update moderator_grant set moderator_user_id = ? where moderator_user_id = ?`,
        [into, from],
      );
      // One check-in per day: a day both users checked in keeps the survivor's.
      await query(
        tx,
        `update checkin c set user_id = ? where c.user_id = ? and not exists (select 1 from checkin d where d.user_id = ? and d.local_date = c.local_date)`,
        [into, from, into],
      );
      await moveReferrals(from, into, tx);
      return { notes };
    },
  };
}
