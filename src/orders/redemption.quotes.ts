// Reading a stored quote back: whose it is, what it was for, and whether it can still be used.
import { DomainError } from '../shared/errors.js';
import { queryOne, type Em } from '../db/sql.js';
import type { Address, RedeemKind, RedemptionDeps } from './redemption.types.js';

interface QuoteRow {
  user_id: string;
  kind: RedeemKind;
  slug: string;
  quantity: number;
  unit_points: string;
  discount_pct: number;
  expires_at: Date;
  used_order_id: string | null;
  hold_id: string | null;
  address: Address | null;
  cancelled_at: Date | null;
}

/** This user's quote, locked, refused unless it is still open. */
async function openQuote(deps: RedemptionDeps, tx: Em, quoteId: string, userId: number) {
  const q = await queryOne<QuoteRow>(tx, `select * from redeem_quote where id = ? for update`, [
    quoteId,
  ]);
  if (!q || Number(q.user_id) !== userId)
    throw new DomainError('quote_not_found', 'no such quote for this user');
  if (q.cancelled_at) throw new DomainError('invalid_state', 'this quote was cancelled');
  if (q.used_order_id) throw new DomainError('quote_expired', 'this quote was already used');
  if (new Date(q.expires_at).getTime() <= deps.clock.now().getTime()) {
    throw new DomainError('quote_expired', 'this quote has expired; ask for a new one', {
      expiredAt: new Date(q.expires_at).toISOString(),
    });
  }
  return q;
}

/** A quote about to be confirmed: what start established, trusted as it stands. */
export async function lockQuote(deps: RedemptionDeps, tx: Em, quoteId: string, userId: number) {
  const q = await openQuote(deps, tx, quoteId, userId);
  return {
    kind: q.kind,
    slug: q.slug,
    quantity: q.quantity,
    unitPoints: Number(q.unit_points),
    discountPct: q.discount_pct,
    address: q.address,
    holdId: q.hold_id == null ? null : Number(q.hold_id),
  };
}

/** The unit price of a price quote (no hold) that matches this one-step redemption. */
export async function takeQuote(
  deps: RedemptionDeps,
  tx: Em,
  quoteId: string,
  userId: number,
  req: { kind: RedeemKind; slug: string; quantity: number },
): Promise<number> {
  const q = await openQuote(deps, tx, quoteId, userId);
  if (q.kind !== req.kind || q.slug !== req.slug || q.quantity !== req.quantity) {
    throw new DomainError('quote_mismatch', 'the quote was for a different redemption', {
      kind: q.kind,
      slug: q.slug,
      quantity: q.quantity,
    });
  }
  if (q.hold_id)
    throw new DomainError('invalid_state', 'this quote holds points: confirm it instead', {
      quoteId,
    });
  return Number(q.unit_points);
}
