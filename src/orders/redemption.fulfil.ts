// The writing half of a redemption, shared by the one-step route and a confirmed quote: stock,
// the order, the points (a fresh debit, or the quote's hold posted), and what was bought
// (enrollment, coupon codes, a VIP trial). Runs inside the caller's transaction; it trusts the
// checks already made and relies on the database for what can change in between (stock, one
// active enrollment per course, the hold still active).
import { DomainError, isDomainError } from '../shared/errors.js';
import { randomCode } from '../shared/codes.js';
import { pgErrorCode, query, queryOne, type Em } from '../db/sql.js';
import type { MallItemView } from '../catalog/catalog.service.js';
import { takeStock } from '../catalog/catalog.stock.js';
import { walletFunds } from '../ledger/ledger.wallet.js';
import type { Address, RedeemKind, RedeemResult, RedemptionDeps } from './redemption.types.js';

export interface Fulfilment {
  userId: number;
  kind: RedeemKind;
  slug: string;
  quantity: number;
  /** The course's or item's id. */
  refId: number;
  item?: MallItemView;
  unitPoints: number;
  discountPct: number;
  address?: Address | null;
  quoteId?: string | null;
  /** The quote's hold: posted instead of a fresh debit. */
  holdId?: number | null;
  /** The wallet balance read before, when the caller has it. */
  balance?: number;
}

export async function fulfil(deps: RedemptionDeps, tx: Em, f: Fulfilment): Promise<RedeemResult> {
  const now = deps.clock.now().toISOString();
  const total = f.unitPoints * f.quantity;
  const item = f.item;
  if (item?.stock != null && !(await takeStock(tx, item.id, f.quantity)))
    throw new DomainError('out_of_stock', `${item.slug} is out of stock`, { available: 0 });
  const status = item?.kind === 'physical' ? 'placed' : 'completed';
  const order = await queryOne<{ id: string }>(
    tx,
    `insert into shop_order (user_id, kind, course_id, item_id, quantity, unit_points, points_charged,
       discount_pct, status, address, quote_id, status_history, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?::timestamptz, ?::timestamptz) returning id`,
    [
      f.userId,
      f.kind,
      f.kind === 'course' ? f.refId : null,
      item?.id ?? null,
      f.quantity,
      f.unitPoints,
      total,
      f.discountPct,
      status,
      f.address ? JSON.stringify(f.address) : null,
      f.quoteId ?? null,
      JSON.stringify([{ status, at: now }]),
      now,
      now,
    ],
  );
  const orderId = Number(order!.id);
  const couponCodes: string[] = [];
  let trialUntil: string | null = null;
  if (f.kind === 'course') await enroll(tx, f, orderId, total === 0, now);
  else if (item!.kind === 'coupon') {
    while (couponCodes.length < f.quantity) {
      const code = `XF-${randomCode(4)}-${randomCode(4)}`;
      const ok = await query(
        tx,
        `insert into coupon_code (code, user_id, order_id, item_id, value_fen) values (?, ?, ?, ?, ?)
           on conflict (code) do nothing returning code`,
        [code, f.userId, orderId, item!.id, item!.couponValueFen ?? 0],
      );
      if (ok.length) couponCodes.push(code);
    }
  } else if (item!.kind === 'membership') {
    const days = (item!.trialDays ?? 7) * f.quantity;
    const trial = await deps.membership.grantTrial(f.userId, item!.trialTier ?? 'vip', days, tx);
    trialUntil = trial.until;
  }
  const { balance, entryId } = await pay(deps, tx, f, orderId, total);
  const result: RedeemResult = {
    orderId,
    kind: f.kind,
    slug: f.slug,
    status,
    quantity: f.quantity,
    unitPoints: f.unitPoints,
    discountPct: f.discountPct,
    pointsCharged: total,
    balance,
    couponCodes,
    trialUntil,
  };
  // One statement links the order to its ledger entry and closes the quote with its answer.
  if (entryId != null || f.quoteId)
    await query(
      tx,
      `with o as (update shop_order set entry_id = ? where id = ?)
       update redeem_quote set used_order_id = ?, result = ?::jsonb where id = ?`,
      [entryId, orderId, orderId, JSON.stringify(result), f.quoteId ?? null],
    );
  return result;
}

/** Moves the points; the balance after and the ledger entry. */
async function pay(
  deps: RedemptionDeps,
  tx: Em,
  f: Fulfilment,
  orderId: number,
  total: number,
): Promise<{ balance: number; entryId: number | null }> {
  if (total === 0)
    return { balance: f.balance ?? (await walletFunds(tx, f.userId)).balance, entryId: null };
  const entry = {
    key: `order:${orderId}:redeem`,
    actor: `user:${f.userId}`,
    reason: `redeemed ${f.slug}${f.quantity > 1 ? ` × ${f.quantity}` : ''}`,
    kind: f.kind === 'course' ? 'redeem.course' : 'redeem.item',
    metadata: { orderId, slug: f.slug, quantity: f.quantity },
  };
  let entryId: number | null;
  let balance: number;
  if (f.holdId) {
    try {
      ({ entryId, balance } = await deps.ledger.postHold(
        { ...entry, holdId: f.holdId, amount: total },
        tx,
      ));
    } catch (err) {
      // The ledger released the hold (expired or voided): so is the quote.
      if (isDomainError(err) && (err.code === 'hold_expired' || err.code === 'hold_not_active'))
        throw new DomainError('quote_expired', 'the points held for this quote were released', {
          reason: err.code,
        });
      throw err;
    }
  } else {
    const d = await deps.ledger.debit({ ...entry, userId: f.userId, amount: total }, tx);
    entryId = d.entryId;
    balance = d.balance;
  }
  return { balance, entryId };
}

async function enroll(tx: Em, f: Fulfilment, orderId: number, free: boolean, now: string) {
  try {
    await query(
      tx,
      `insert into enrollment (user_id, course_id, order_id, source, created_at)
       values (?, ?, ?, ?, ?::timestamptz)`,
      [f.userId, f.refId, orderId, free ? 'vip_free' : 'points', now],
    );
  } catch (err) {
    // Enrolled by another order since the quote: the unique index says so.
    if (pgErrorCode(err) === '23505')
      throw new DomainError('already_enrolled', `you are already enrolled in ${f.slug}`, {
        slug: f.slug,
      });
    throw err;
  }
}
