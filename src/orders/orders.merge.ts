// Orders' part of merging two users: the merged user's orders, coupons, enrollments and
// reviews go to the survivor; its open quotes are dropped (a quote is for one user's points).
import { DomainError } from '../shared/errors.js';
import { query, queryOne, type Em } from '../db/sql.js';

export const ordersMergeHook = {
  /** A payment or refund in progress refuses the merge: it would finish on the wrong user. */
  async check(from: number, _into: number, tx: Em): Promise<void> {
    const busy = await queryOne(
      tx,
      `select 1 from shop_order where user_id = ? and status in ('pending_payment', 'refunding') limit 1`,
      [from],
    );
    if (busy)
      throw new DomainError(
        'conflict',
        'this account has a payment or redemption in progress; finish it, then link again',
      );
  },

  async mergeUser(from: number, into: number, tx: Em) {
    for (const t of ['shop_order', 'coupon_code'])
      await query(tx, `update ${t} set user_id = ? where user_id = ?`, [into, from]);
    await query(tx, `delete from redeem_quote where user_id = ?`, [from]);
    // A course both users have stays enrolled once: the merged user's copy is marked merged.
    await query(
      tx,
      `update enrollment e set status = 'merged' where e.user_id = ? and e.status = 'active'
         and exists (select 1 from enrollment d where d.user_id = ? and d.course_id = e.course_id and d.status = 'active')`,
      [from, into],
    );
    const enrolled = await query(
      tx,
      `update enrollment set user_id = ? where user_id = ? returning status`,
      [into, from],
    );
    // One review per user and course: the survivor's own review wins.
    await query(
      tx,
      `update course_review r set user_id = ? where r.user_id = ? and not exists (select 1 from course_review d where d.user_id = ? and d.course_id = r.course_id)`,
      [into, from, into],
    );
    return { enrollmentsMoved: enrolled.length };
  },
};
