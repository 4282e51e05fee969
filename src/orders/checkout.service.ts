// Paid course orders: order → payment through the PaymentProvider → (signed webhook,
// checkout.webhook.ts) → enrollment + earned points pending until the refund window closes;
// refunds inside the window (checkout.refunds.ts). Points may pay up to 30 % (held during
// payment, released on failure or timeout).
import { DomainError } from '../shared/errors.js';
import { MINUTE } from '../shared/clock.js';
import { requestHash, scopedKey, withIdempotency } from '../ledger/idempotency.js';
import { walletFunds } from '../ledger/ledger.wallet.js';
import { inTransaction, query, queryOne } from '../db/sql.js';
import { lockUser, resolveUserId } from '../membership/user.lock.js';
import { atLeast, TIER_NAMES } from '../membership/membership.rules.js';
import { maxCheckoutPoints, splitCheckout } from './orders.rules.js';
import type { OrderView } from './orders.views.js';
import { checkoutTools, type CheckoutDeps, type PaidOrderRow } from './checkout.shared.js';
import { createWebhookHandler } from './checkout.webhook.js';
import { createRefunds } from './checkout.refunds.js';

export const PAYMENT_TIMEOUT_MS = 15 * MINUTE;

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

export type CheckoutService = ReturnType<typeof createCheckoutService>;

export function createCheckoutService(deps: CheckoutDeps) {
  const log = deps.logger;
  const { now, history, requirePayments, closeUnpaid } = checkoutTools(deps);
  const available = async (em: typeof deps.em, userId: number) =>
    (await walletFunds(em, userId)).available;

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
    const o = await queryOne<PaidOrderRow>(deps.em, `select * from shop_order where id = ?`, [
      orderId,
    ]);
    if (!o || o.payment_ref || o.status !== 'pending_payment') return;
    const course = await deps.catalog.courseById(Number(o.course_id));
    try {
      const p = await deps.provider.createPayment({
        merchantOrderId: `xf-order-${orderId}`,
        amountFen: Number(o.amount_fen),
        currency: 'CNY',
        description: `xuefen course ${course.slug}`,
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
  return {
    checkoutQuote,
    createOrder,
    ensurePayment,
    expireUnpaid,
    ...createWebhookHandler(deps),
    ...createRefunds(deps),
  };
}
