// Refunds of paid course orders inside the window: money back through the provider, earned
// points reversed, spent points returned, enrollment revoked. A conditional status change makes
// concurrent refunds collapse to one; a job finishes refunds interrupted halfway.
import { DomainError } from '../shared/errors.js';
import { audit } from '../shared/audit.js';
import { MINUTE } from '../shared/clock.js';
import { inTransaction, query, queryOne } from '../db/sql.js';
import { lockUser, resolveUserId } from '../membership/user.lock.js';
import { pendingAwardIds } from '../rewards/rewards.order-awards.js';
import { checkoutTools, type CheckoutDeps, type PaidOrderRow } from './checkout.shared.js';

export interface RefundResultView {
  orderId: number;
  status: 'refunded';
  refundedFen: number;
  pointsReturned: number;
  pointsReversed: number;
  refundRef: string;
}

export function createRefunds(deps: CheckoutDeps) {
  const log = deps.logger;
  const { now, history, requirePayments } = checkoutTools(deps);

  /** Refund inside the window. Exactly one of any number of concurrent requests does it. */
  async function refund(input: {
    userId: number;
    orderId: number;
    reason?: string;
    actor?: string;
  }): Promise<RefundResultView> {
    requirePayments();
    const userId = await resolveUserId(deps.em, input.userId);
    const claimed = await queryOne<PaidOrderRow>(
      deps.em,
      `update shop_order set status = 'refunding', updated_at = ?::timestamptz, status_history = status_history || ?::jsonb
        where id = ? and user_id = ? and kind = 'paid_course' and status = 'paid' and refund_window_ends_at > ?::timestamptz returning *`,
      [
        now().toISOString(),
        history('refunding', { reason: input.reason ?? null }),
        input.orderId,
        userId,
        now().toISOString(),
      ],
    );
    if (!claimed) {
      const o = await queryOne<PaidOrderRow>(
        deps.em,
        `select status, kind, refund_window_ends_at, user_id from shop_order where id = ?`,
        [input.orderId],
      );
      if (!o || Number(o.user_id) !== userId)
        throw new DomainError('order_not_found', `no order ${input.orderId} for this user`);
      if (o.kind !== 'paid_course')
        throw new DomainError('refund_not_allowed', 'only paid course orders can be refunded');
      if (o.status === 'refunded' || o.status === 'refunding')
        throw new DomainError('refund_not_allowed', 'this order was already refunded', {
          status: o.status,
        });
      if (o.status !== 'paid')
        throw new DomainError(
          'refund_not_allowed',
          `an order that is ${o.status} cannot be refunded`,
          { status: o.status },
        );
      throw new DomainError('refund_not_allowed', 'the 7-day refund window has closed', {
        closedAt: new Date(o.refund_window_ends_at!).toISOString(),
      });
    }
    return completeRefund(
      claimed,
      input.actor ?? `user:${userId}`,
      input.reason ?? 'refund requested',
    );
  }

  async function completeRefund(
    o: PaidOrderRow,
    actor: string,
    reason: string,
  ): Promise<RefundResultView> {
    const orderId = Number(o.id);
    let r;
    try {
      r = await deps.provider.refund({
        providerRef: o.payment_ref!,
        amountFen: Number(o.amount_fen),
        idempotencyKey: `refund:${orderId}`,
        reason,
      });
    } catch (err) {
      log.error({ err, orderId }, 'refund call failed');
      r = { status: 'failed' as const, refundRef: '' };
    }
    if (r.status !== 'succeeded') {
      await query(
        deps.em,
        `update shop_order set status = 'paid', status_history = status_history || ?::jsonb where id = ? and status = 'refunding'`,
        [history('paid', { note: 'refund failed at the provider' }), orderId],
      );
      throw new DomainError(
        'payment_provider_error',
        'the payment provider could not refund this order; try again later',
      );
    }
    return inTransaction(deps.em, async (tx) => {
      await lockUser(tx, Number(o.user_id));
      const still = await queryOne<PaidOrderRow>(
        tx,
        `select * from shop_order where id = ? and status = 'refunding' for update`,
        [orderId],
      );
      if (!still) throw new DomainError('refund_not_allowed', 'this order was already refunded');
      let pointsReversed = 0;
      for (const id of await pendingAwardIds(tx, orderId))
        pointsReversed += (
          await deps.rewards.reverseAward(tx, id, actor, `order ${orderId} refunded`)
        ).points;
      let pointsReturned = 0;
      if (still.entry_id) {
        await deps.ledger.reverse(
          {
            entryId: Number(still.entry_id),
            key: `order:${orderId}:refund-points`,
            actor,
            reason: 'order refunded: points returned',
          },
          tx,
        );
        pointsReturned = Number(still.points_charged);
      }
      await query(
        tx,
        `update enrollment set status = 'revoked', revoked_at = ?::timestamptz where order_id = ? and status = 'active'`,
        [now().toISOString(), orderId],
      );
      if (still.coupon_code)
        await query(
          tx,
          `update coupon_code set used_order_id = null, used_at = null where code = ? and used_order_id = ?`,
          [still.coupon_code, orderId],
        );
      await deps.referrals.onRefund(tx, orderId);
      await query(
        tx,
        `update shop_order set status = 'refunded', refunded_at = ?::timestamptz, refund_ref = ?, updated_at = ?::timestamptz,
            status_history = status_history || ?::jsonb where id = ?`,
        [now().toISOString(), r.refundRef, now().toISOString(), history('refunded'), orderId],
      );
      await audit(tx, {
        actor,
        action: 'order.refund',
        subject: `order:${orderId}`,
        details: { reason, refundedFen: Number(o.amount_fen), pointsReturned, pointsReversed },
      });
      return {
        orderId,
        status: 'refunded' as const,
        refundedFen: Number(o.amount_fen),
        pointsReturned,
        pointsReversed,
        refundRef: r.refundRef,
      };
    });
  }

  /** Job: refunds interrupted between the provider call and our books are finished. */
  async function resumeRefunds(): Promise<{ resumed: number }> {
    const stuck = await query<PaidOrderRow>(
      deps.em,
      `select * from shop_order where status = 'refunding' and updated_at <= ?::timestamptz order by id limit 50`,
      [new Date(now().getTime() - 5 * MINUTE).toISOString()],
    );
    let resumed = 0;
    for (const o of stuck) {
      try {
        await completeRefund(o, 'system:refunds', 'refund resumed');
        resumed++;
      } catch (err) {
        log.warn({ err, orderId: o.id }, 'refund resume failed');
      }
    }
    return { resumed };
  }

  return { refund, resumeRefunds };
}
