// The payment provider's webhook: each event recorded once, each order fulfilled once
// (enrollment, points toward the price posted, purchase points pending until the refund window
// closes), and money that arrives for an order we cannot honour given back.
import { isDomainError } from '../shared/errors.js';
import { audit } from '../shared/audit.js';
import { DAY } from '../shared/clock.js';
import { inTransaction, query, queryOne, type Em } from '../db/sql.js';
import { lockUser } from '../membership/user.lock.js';
import { checkoutTools, type CheckoutDeps, type PaidOrderRow } from './checkout.shared.js';

export const REFUND_WINDOW_MS = 7 * DAY;

export function createWebhookHandler(deps: CheckoutDeps) {
  const { now, history, closeUnpaid } = checkoutTools(deps);

  async function fulfil(tx: Em, o: PaidOrderRow): Promise<'paid' | 'refund_needed'> {
    const orderId = Number(o.id);
    const user = await lockUser(tx, Number(o.user_id));
    if (await deps.orders.isEnrolled(tx, user.id, Number(o.course_id))) return 'refund_needed';
    let entryId: number | null = null;
    if (o.hold_id) {
      try {
        entryId = (
          await deps.ledger.postHold(
            {
              holdId: Number(o.hold_id),
              key: `order:${orderId}:deduct`,
              kind: 'checkout.deduction',
              creditTo: 'redemption',
            },
            tx,
          )
        ).entryId;
      } catch (err) {
        if (!isDomainError(err)) throw err;
        return 'refund_needed';
      }
    }
    const paidAt = now();
    const windowEnd = new Date(paidAt.getTime() + REFUND_WINDOW_MS);
    await query(
      tx,
      `update shop_order set status = 'paid', paid_at = ?::timestamptz, refund_window_ends_at = ?::timestamptz, entry_id = ?, updated_at = ?::timestamptz,
          status_history = status_history || ?::jsonb where id = ?`,
      [
        paidAt.toISOString(),
        windowEnd.toISOString(),
        entryId,
        paidAt.toISOString(),
        history('paid'),
        orderId,
      ],
    );
    await query(
      tx,
      `insert into enrollment (user_id, course_id, order_id, source, created_at) values (?, ?, ?, 'paid', ?::timestamptz)`,
      [user.id, Number(o.course_id), orderId, paidAt.toISOString()],
    );
    await deps.rewards.award(tx, {
      userId: user.id,
      timeZone: user.timeZone,
      ruleCode: 'purchase.course',
      sourceKey: `order:${orderId}:purchase`,
      actor: 'system:payments',
      reason: 'points for your course purchase (spendable after the refund window)',
      paidFen: Number(o.amount_fen),
      orderId,
      releaseAt: windowEnd,
      metadata: { orderId },
    });
    await deps.referrals.onFirstPurchase(tx, user.id, orderId, windowEnd);
    return 'paid';
  }

  /** The provider's webhook: verified, recorded once per event id, applied once per order. */
  async function handleWebhook(
    rawBody: string,
    headers: Record<string, string | undefined>,
  ): Promise<{ received: true; duplicate: boolean; outcome: string }> {
    const event = await deps.provider.verifyWebhook(rawBody, headers);
    const result = await inTransaction(deps.em, async (tx) => {
      const fresh = await query(
        tx,
        `insert into payment_event (event_id, provider, type, payment_ref, payload) values (?, ?, ?, ?, ?::jsonb) on conflict (event_id) do nothing returning event_id`,
        [event.id, deps.provider.name, event.type, event.providerRef, rawBody],
      );
      if (!fresh.length)
        return { duplicate: true, outcome: 'duplicate', refund: null as PaidOrderRow | null };
      const o = await queryOne<PaidOrderRow>(
        tx,
        `select * from shop_order where payment_ref = ? for update`,
        [event.providerRef],
      );
      let outcome: string;
      let refund: PaidOrderRow | null = null;
      if (!o) outcome = 'unknown_payment';
      else if (event.type === 'payment.failed')
        outcome = (await closeUnpaid(Number(o.id), 'failed', 'payment failed', tx))
          ? 'failed'
          : `ignored_${o.status}`;
      else if (event.amountFen !== Number(o.amount_fen)) outcome = 'amount_mismatch';
      else if (o.status === 'pending_payment') {
        outcome = await fulfil(tx, o);
        if (outcome === 'refund_needed') {
          await closeUnpaid(
            Number(o.id),
            'failed',
            'paid but could not be fulfilled: refunded',
            tx,
          );
          refund = o;
        }
      } else if (o.status === 'expired' || o.status === 'failed') {
        outcome = 'late_payment_refunded';
        refund = o;
      } else outcome = `already_${o.status}`;
      await query(tx, `update payment_event set outcome = ? where event_id = ?`, [
        outcome,
        event.id,
      ]);
      if (o)
        await audit(tx, {
          actor: `provider:${deps.provider.name}`,
          action: `payment.${event.type}`,
          subject: `order:${o.id}`,
          details: { eventId: event.id, outcome },
        });
      return { duplicate: false, outcome, refund };
    });
    if (result.refund) {
      // Money arrived for an order we cannot honour (late or unfulfillable): give it back.
      const r = await deps.provider.refund({
        providerRef: event.providerRef,
        amountFen: event.amountFen,
        idempotencyKey: `refund:${result.refund.id}`,
        reason: result.outcome,
      });
      await query(
        deps.em,
        `update shop_order set refund_ref = ?, refunded_at = ?::timestamptz where id = ?`,
        [r.refundRef, now().toISOString(), Number(result.refund.id)],
      );
    }
    if (result.outcome === 'paid')
      await deps.referrals.onInteraction(
        Number(
          (await queryOne<{ user_id: string }>(
            deps.em,
            `select user_id from shop_order where payment_ref = ?`,
            [event.providerRef],
          ))!.user_id,
        ),
      );
    return { received: true, duplicate: result.duplicate, outcome: result.outcome };
  }

  return { handleWebhook };
}
