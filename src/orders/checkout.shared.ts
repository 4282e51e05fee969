// What the paid-checkout files share: their dependencies, the order row they read, the status
// history entry they append, the payments switch, and closing an unpaid order.
import { DomainError, isDomainError } from '../shared/errors.js';
import type { Clock } from '../shared/clock.js';
import { inTransaction, query, queryOne, type Em } from '../db/sql.js';
import type { Logger } from '../shared/logger.js';
import type { LedgerService } from '../ledger/ledger.service.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import type { MembershipService } from '../membership/membership.service.js';
import type { RewardsService } from '../rewards/rewards.service.js';
import type { ReferralsService } from '../rewards/referrals.service.js';
import type { PaymentProvider } from './payment.provider.js';
import type { OrdersService } from './orders.service.js';

export interface CheckoutDeps {
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
}

/** The columns of a paid course order the checkout reads. */
export interface PaidOrderRow {
  id: string;
  user_id: string;
  course_id: string;
  kind: string;
  status: string;
  amount_fen: string;
  points_charged: string;
  hold_id: string | null;
  entry_id: string | null;
  coupon_code: string | null;
  payment_ref: string | null;
  expires_at: Date;
  refund_window_ends_at: Date | null;
}

export function checkoutTools(deps: CheckoutDeps) {
  const now = () => deps.clock.now();
  const history = (status: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify([{ status, at: now().toISOString(), ...extra }]);

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

  /** pending_payment → failed/expired: the hold is released and the coupon returned. */
  async function closeUnpaid(
    orderId: number,
    to: 'failed' | 'expired',
    why: string,
    tx0?: Em,
  ): Promise<boolean> {
    return inTransaction(tx0 ?? deps.em, async (tx) => {
      const o = await queryOne<PaidOrderRow>(
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

  return { now, history, requirePayments, closeUnpaid };
}
