// Reading a stored quote back: whose it is, what it was for, and whether it can still be used.
import { DomainError } from '../shared/errors.js';
import { queryOne, type Em } from '../db/sql.js';
import { resolveUserId } from '../membership/user.lock.js';
import type { Address, RedeemKind, RedeemResult, RedemptionDeps } from './redemption.types.js';

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
  ref_id: string | null;
  result: RedeemResult | null;
  cancelled_at: Date | null;
}

/**
 * This user's quote, locked until the transaction ends. The quote names the user its points
 * belong to; a caller naming a user merged into that one is resolved only then.
 */
async function ownQuote(tx: Em, quoteId: string, userId: number): Promise<QuoteRow> {
  const q = await queryOne<QuoteRow>(tx, `select * from redeem_quote where id = ? for update`, [
    quoteId,
  ]);
  const owner = Number(q?.user_id);
  if (!q || (owner !== userId && owner !== (await resolveUserId(tx, userId))))
    throw new DomainError('quote_not_found', 'no such quote for this user');
  return q;
}

/** Refused unless the quote is still open: not cancelled, not used, not past its time. */
function open(deps: RedemptionDeps, q: QuoteRow): QuoteRow {
  if (q.cancelled_at) throw new DomainError('invalid_state', 'this quote was cancelled');
  if (q.used_order_id) throw new DomainError('quote_expired', 'this quote was already used');
  if (new Date(q.expires_at).getTime() <= deps.clock.now().getTime()) {
    throw new DomainError('quote_expired', 'this quote has expired; ask for a new one', {
      expiredAt: new Date(q.expires_at).toISOString(),
    });
  }
  return q;
}

/**
 * A quote about to be confirmed: what start established, trusted as it stands; or, when it was
 * confirmed already, what that confirmation answered.
 */
export async function lockQuote(deps: RedemptionDeps, tx: Em, quoteId: string, userId: number) {
  const own = await ownQuote(tx, quoteId, userId);
  if (own.result) return { result: own.result, userId: Number(own.user_id) };
  const q = open(deps, own);
  return {
    result: null,
    userId: Number(q.user_id),
    kind: q.kind,
    slug: q.slug,
    /** Null on quotes made before quotes kept it. */
    refId: q.ref_id == null ? null : Number(q.ref_id),
    quantity: q.quantity,
    unitPoints: Number(q.unit_points),
    discountPct: q.discount_pct,
    address: q.address,
    holdId: q.hold_id == null ? null : Number(q.hold_id),
  };
}

/** The unit price of a price quote (no hold) that matches this one-step redemption. */
export async function takeQuote(
  tx: Em,
  deps: RedemptionDeps,
  quoteId: string,
  userId: number,
  req: { kind: RedeemKind; slug: string; quantity: number },
): Promise<number> {
  const q = open(deps, await ownQuote(tx, quoteId, userId));
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
