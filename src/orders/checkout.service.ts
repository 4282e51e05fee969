// Paid course orders: order → payment through the PaymentProvider → (signed webhook) →
// enrollment + earned points pending until the refund window closes. Points may pay up to
// 30 % (held during payment, released on failure or timeout). Refunds inside the window:
// money back through the provider, earned points reversed, spent points returned,
// enrollment revoked; a conditional status change makes concurrent refunds collapse to one.
import { DomainError, isDomainError } from '../shared/errors.js';
import { audit } from '../shared/audit.js';
import { DAY, MINUTE, type Clock } from '../shared/clock.js';
import { scopedKey, withIdempotency } from '../shared/with-idempotency.js';
import { requestHash } from '../ledger/idempotency.js';
import { inTransaction, query, queryOne, type Em } from '../db/sql.js';
import type { Logger } from '../shared/logger.js';
import type { LedgerService } from '../ledger/ledger.service.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import type { MembershipService } from '../membership/membership.service.js';
import type { RewardsService } from '../rewards/rewards.service.js';
import type { ReferralsService } from '../rewards/referrals.service.js';
import { lockUser, resolveUserId } from '../membership/user.lock.js';
import { atLeast, TIER_NAMES } from '../membership/membership.rules.js';
import { maxCheckoutPoints, splitCheckout } from './orders.rules.js';
import type { PaymentProvider } from './payment.provider.js';
import type { OrdersService } from './orders.service.js';
import type { OrderView } from './orders.views.js';

export const PAYMENT_TIMEOUT_MS = 15 * MINUTE;
export const REFUND_WINDOW_MS = 7 * DAY;
/** Holds outlive the payment timeout so that our timeout job, not the hold's TTL, releases them. */
const HOLD_TTL_SECONDS = PAYMENT_TIMEOUT_MS / 1000 + 86_400;

export interface CheckoutInput {
  userId: number;
  key: string;
  courseSlug: string;
  points?: number;
  couponCode?: string;
}

export interface CheckoutQuote {
  courseSlug: string;
  priceFen: number;
  maxPoints: number;
  availablePoints: number;
  usablePoints: number;
  amountFenWithMaxPoints: number;
}

export interface RefundResultView {
  orderId: number;
  status: 'refunded';
  refundedFen: number;
  pointsReturned: number;
  pointsReversed: number;
  refundRef: string;
}

type OrderRow = Record<string, any>;

export type CheckoutService = ReturnType<typeof createCheckoutService>;

export function createCheckoutService(deps: {
  em: Em;
  clock: Clock;
  logger: Logger;
  ledger: LedgerService;
  catalog: CatalogService;
  membership: MembershipService;
  rewards: RewardsService;
  referrals: ReferralsService;
  orders: OrdersService;
  provider: PaymentProvider;
}) {
  const log = deps.logger;
  const now = () => deps.clock.now();
  const history = (status: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify([{ status, at: now().toISOString(), ...extra }]);

  async function available(em: Em, userId: number): Promise<number> {
    const r = await queryOne<{ balance: string; held: string }>(
      em,
      `select balance, held from ledger_account where user_id = ? and kind = 'wallet'`,
      [userId],
    );
    return Number(r?.balance ?? 0) - Number(r?.held ?? 0);
  }

  function requirePayments(): void {
    if (!deps.provider.enabled) {
      throw new DomainError(
        'payments_unavailable',
        'buying with money is switched off on this service (PAYMENT_PROVIDER=none); courses can still be redeemed with points',
        {
          provider: deps.provider.name,
        },
      );
    }
  }

  /** How much of a course's price points could pay for this user now. */
  async function checkoutQuote(userId: number, courseSlug: string): Promise<CheckoutQuote> {
    const id = await resolveUserId(deps.em, userId);
    const c = await deps.catalog.courseRow(courseSlug);
    if (!c.active) throw new DomainError('course_not_found', `no course "${courseSlug}"`);
    const max = maxCheckoutPoints(c.priceFen);
    const avail = await available(deps.em, id);
    const usable = Math.min(max, Math.max(0, avail));
    return {
      courseSlug,
      priceFen: c.priceFen,
      maxPoints: max,
      availablePoints: avail,
      usablePoints: usable,
      amountFenWithMaxPoints: c.priceFen - usable,
    };
  }

  /** Creates the order (points held, coupon reserved) and its payment; returns the pay link. */
  async function createOrder(input: CheckoutInput): Promise<OrderView & { replayed: boolean }> {
    // Before anything is held or recorded: with payments off there is nothing to retry against.
    requirePayments();
    const userId = await resolveUserId(deps.em, input.userId);
    const hash = requestHash('checkout', {
      userId,
      courseSlug: input.courseSlug,
      points: input.points ?? 0,
      couponCode: input.couponCode ?? null,
    });
    const { value, replayed } = await inTransaction(deps.em, (tx) =>
      withIdempotency(tx, scopedKey(`checkout:${userId}`, input.key), hash, async () => {
        const user = await lockUser(tx, userId);
        const course = await deps.catalog.courseRow(input.courseSlug, tx);
        if (!course.active)
          throw new DomainError('course_not_found', `no course "${input.courseSlug}"`);
        const tier = await deps.membership.tierOf(user.id, tx);
        if (course.membersOnlyTier && !atLeast(tier, course.membersOnlyTier)) {
          throw new DomainError(
            'tier_required',
            `this course is for ${TIER_NAMES[course.membersOnlyTier].en} members and above`,
            { required: course.membersOnlyTier, current: tier },
          );
        }
        if (await deps.orders.isEnrolled(tx, user.id, course.id))
          throw new DomainError('already_enrolled', `you are already enrolled in ${course.slug}`);
        const pending = await queryOne<{ id: string }>(
          tx,
          `select id from shop_order where user_id = ? and course_id = ? and status = 'pending_payment'`,
          [user.id, course.id],
        );
        if (pending)
          throw new DomainError(
            'order_pending',
            'an order for this course is waiting for payment',
            { orderId: Number(pending.id) },
          );
        let couponFen = 0;
        if (input.couponCode) {
          const c = await queryOne<{ value_fen: number }>(
            tx,
            `select value_fen from coupon_code where code = ? and user_id = ? and used_order_id is null for update`,
            [input.couponCode, user.id],
          );
          if (!c)
            throw new DomainError('invalid_input', 'this coupon is not yours or was already used', {
              couponCode: input.couponCode,
            });
          couponFen = c.value_fen;
        }
        const split = splitCheckout({
          priceFen: course.priceFen,
          couponFen,
          pointsRequested: input.points ?? 0,
          pointsAvailable: await available(tx, user.id),
        });
        if (!split.ok) throw new DomainError(split.code, split.message, split.details);
        const expiresAt = new Date(now().getTime() + PAYMENT_TIMEOUT_MS);
        const o = await queryOne<{ id: string }>(
          tx,
          `insert into shop_order (user_id, kind, course_id, quantity, points_charged, price_fen, coupon_fen, amount_fen, status, coupon_code,
              expires_at, status_history, created_at, updated_at)
           values (?, 'paid_course', ?, 1, ?, ?, ?, ?, 'pending_payment', ?, ?::timestamptz, ?::jsonb, ?::timestamptz, ?::timestamptz) returning id`,
          [
            user.id,
            course.id,
            split.pointsUsed,
            course.priceFen,
            couponFen,
            split.amountFen,
            input.couponCode ?? null,
            expiresAt.toISOString(),
            history('pending_payment'),
            now().toISOString(),
            now().toISOString(),
          ],
        );
        const orderId = Number(o!.id);
        if (input.couponCode)
          await query(
            tx,
            `update coupon_code set used_order_id = ?, used_at = ?::timestamptz where code = ?`,
            [orderId, now().toISOString(), input.couponCode],
          );
        if (split.pointsUsed > 0) {
          const h = await deps.ledger.reserve(
            {
              key: `order:${orderId}:hold`,
              userId: user.id,
              amount: split.pointsUsed,
              ttlSeconds: HOLD_TTL_SECONDS,
              reason: `points toward ${course.slug}`,
              actor: `user:${user.id}`,
              kind: 'checkout.deduction',
              metadata: { orderId },
            },
            tx,
          );
          await query(tx, `update shop_order set hold_id = ? where id = ?`, [h.holdId, orderId]);
        }
        return { orderId };
      }),
    );
    await ensurePayment(value.orderId);
    return { ...(await deps.orders.getOrder(value.orderId)), replayed };
  }

  /** Creates the provider payment once (the provider is idempotent on our order reference). */
  async function ensurePayment(orderId: number): Promise<void> {
    const o = await queryOne<OrderRow>(
      deps.em,
      `select o.*, c.slug from shop_order o join course c on c.id = o.course_id where o.id = ?`,
      [orderId],
    );
    if (!o || o.payment_ref || o.status !== 'pending_payment') return;
    try {
      const p = await deps.provider.createPayment({
        merchantOrderId: `xf-order-${orderId}`,
        amountFen: Number(o.amount_fen),
        currency: 'CNY',
        description: `xuefen course ${o.slug}`,
        expiresAt: new Date(o.expires_at),
      });
      await query(
        deps.em,
        `update shop_order set payment_ref = ?, pay_url = ? where id = ? and payment_ref is null`,
        [p.providerRef, p.payUrl, orderId],
      );
    } catch (err) {
      log.error({ err, orderId }, 'payment provider refused the payment');
      await closeUnpaid(orderId, 'failed', 'payment could not be created');
      throw new DomainError(
        'payment_provider_error',
        'the payment provider is unavailable; nothing was charged, try again later',
      );
    }
  }

  /** pending_payment → failed/expired: the hold is released and the coupon returned. */
  async function closeUnpaid(
    orderId: number,
    to: 'failed' | 'expired',
    why: string,
    tx0?: Em,
  ): Promise<boolean> {
    return inTransaction(tx0 ?? deps.em, async (tx) => {
      const o = await queryOne<OrderRow>(
        tx,
        `update shop_order set status = ?, updated_at = ?::timestamptz, status_history = status_history || ?::jsonb
          where id = ? and status = 'pending_payment' returning *`,
        [to, now().toISOString(), history(to, { note: why }), orderId],
      );
      if (!o) return false;
      if (o.hold_id) {
        try {
          await deps.ledger.voidHold(
            { holdId: Number(o.hold_id), key: `order:${orderId}:release` },
            tx,
          );
        } catch (err) {
          // Already released by its own expiry: nothing is held any more.
          if (!(
            isDomainError(err) &&
            (err.code === 'hold_expired' || err.code === 'hold_not_active')
          ))
            throw err;
        }
      }
      if (o.coupon_code)
        await query(
          tx,
          `update coupon_code set used_order_id = null, used_at = null where code = ? and used_order_id = ?`,
          [o.coupon_code, orderId],
        );
      return true;
    });
  }

  /** Job: unpaid orders past their time are closed at the provider and here. */
  async function expireUnpaid(): Promise<{ expired: number }> {
    const due = await query<{ id: string; payment_ref: string | null }>(
      deps.em,
      `select id, payment_ref from shop_order where status = 'pending_payment' and expires_at <= ?::timestamptz order by expires_at limit 200`,
      [now().toISOString()],
    );
    let expired = 0;
    for (const o of due) {
      if (o.payment_ref) {
        const r = await deps.provider.cancelPayment(o.payment_ref);
        if (r.status === 'succeeded') continue; // paid at the last second: its webhook decides
      }
      if (await closeUnpaid(Number(o.id), 'expired', 'payment timed out')) expired++;
    }
    return { expired };
  }

  async function fulfil(tx: Em, o: OrderRow): Promise<'paid' | 'refund_needed'> {
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
        return { duplicate: true, outcome: 'duplicate', refund: null as OrderRow | null };
      const o = await queryOne<OrderRow>(
        tx,
        `select * from shop_order where payment_ref = ? for update`,
        [event.providerRef],
      );
      let outcome: string;
      let refund: OrderRow | null = null;
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

  /** Refund inside the window. Exactly one of any number of concurrent requests does it. */
  async function refund(input: {
    userId: number;
    orderId: number;
    reason?: string;
    actor?: string;
  }): Promise<RefundResultView> {
    requirePayments();
    const userId = await resolveUserId(deps.em, input.userId);
    const claimed = await queryOne<OrderRow>(
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
      const o = await queryOne<OrderRow>(
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
        closedAt: new Date(o.refund_window_ends_at).toISOString(),
      });
    }
    return completeRefund(
      claimed,
      input.actor ?? `user:${userId}`,
      input.reason ?? 'refund requested',
    );
  }

  async function completeRefund(
    o: OrderRow,
    actor: string,
    reason: string,
  ): Promise<RefundResultView> {
    const orderId = Number(o.id);
    let r;
    try {
      r = await deps.provider.refund({
        providerRef: o.payment_ref,
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
      const still = await queryOne<OrderRow>(
        tx,
        `select * from shop_order where id = ? and status = 'refunding' for update`,
        [orderId],
      );
      if (!still) throw new DomainError('refund_not_allowed', 'this order was already refunded');
      let pointsReversed = 0;
      const awards = await query<{ id: string }>(
        tx,
        `select id from reward_award where order_id = ? and status = 'pending' order by id`,
        [orderId],
      );
      for (const a of awards)
        pointsReversed += (
          await deps.rewards.reverseAward(tx, Number(a.id), actor, `order ${orderId} refunded`)
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
    const stuck = await query<OrderRow>(
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

  return {
    checkoutQuote,
    createOrder,
    ensurePayment,
    expireUnpaid,
    handleWebhook,
    refund,
    resumeRefunds,
  };
}
