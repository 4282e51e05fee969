// The redemption protocol. Two steps: start (price, checks, a quote and a ledger hold of the
// quoted points, valid QUOTE_TTL_MS), then confirm (posts the hold and creates the order,
// idempotent on the quote) or cancel (voids the hold); an unconfirmed quote expires with its
// hold, which the ledger's expiry job releases. One step: redeem checks and fulfils in one
// transaction, optionally at a price quoted earlier without a hold. Chat and HTTP both use it.
import { randomUUID } from 'node:crypto';
import { DomainError, isDomainError } from '../shared/errors.js';
import { requestHash, scopedKey, withIdempotency } from '../ledger/idempotency.js';
import { walletFunds, type WalletFunds } from '../ledger/ledger.wallet.js';
import { inTransaction, query, queryOne, type Em } from '../db/sql.js';
import { lockUser, resolveUserId } from '../membership/user.lock.js';
import { QUOTE_TTL_MS } from './orders.rules.js';
import { physicalNeedsAddress, priceRedemption } from './redemption.price.js';
import { fulfil } from './redemption.fulfil.js';
import { lockQuote, takeQuote } from './redemption.quotes.js';
import type {
  QuoteView,
  RedeemInput,
  RedeemKind,
  RedeemResult,
  RedemptionDeps,
  StartInput,
} from './redemption.types.js';

export function createRedemptionService(deps: RedemptionDeps) {
  const survivor = (em: Em, userId: number) =>
    deps.survivorIds ? Promise.resolve(userId) : resolveUserId(em, userId);

  /**
   * Reserves the quoted points. The ledger decides whether they are there (it refuses what is
   * not free), so its answer gives the wallet's figures as they were before the hold; a refusal
   * reads them for the reply.
   */
  async function holdPoints(
    quoteId: string,
    userId: number,
    total: number,
    req: { kind: RedeemKind; slug: string; quantity: number },
  ): Promise<{ funds: WalletFunds; hold: { holdId: number; expiresAt: string } | null }> {
    try {
      // A crash before the quote row is written leaves a hold that simply expires.
      const h = await deps.ledger.reserve({
        key: `quote:${quoteId}:hold`,
        userId,
        amount: total,
        ttlSeconds: QUOTE_TTL_MS / 1000,
        reason: `quote for ${req.slug}`,
        actor: `user:${userId}`,
        kind: req.kind === 'course' ? 'redeem.course' : 'redeem.item',
        metadata: { slug: req.slug, quantity: req.quantity, quoteId },
      });
      const held = h.held - total;
      return { funds: { balance: h.balance, held, available: h.balance - held }, hold: h };
    } catch (err) {
      if (!(isDomainError(err) && err.code === 'insufficient_points')) throw err;
      const w = await walletFunds(deps.em, userId);
      // What the ledger found free when it refused, even if points arrived since.
      const refused = err.details as { available?: number } | undefined;
      const available = Math.min(w.available, Number(refused?.available ?? w.available));
      return { funds: { ...w, available }, hold: null };
    }
  }

  /** A price quote (hold: false) or the first step of a two-step redemption (hold: true). */
  async function start(input: StartInput): Promise<QuoteView> {
    const userId = await survivor(deps.em, input.userId);
    const quantity = input.quantity ?? 1;
    const { kind, slug } = input;
    const req = { kind, slug, quantity };
    const {
      tier,
      priced: p,
      item,
      refId,
      titleZh,
      titleEn,
    } = await priceRedemption(deps, deps.em, userId, req);
    if (input.hold && item?.kind === 'physical' && !input.address) throw physicalNeedsAddress();
    const id = `q_${randomUUID()}`;
    const reserved =
      input.hold && p.ok && p.total > 0 ? await holdPoints(id, userId, p.total, req) : undefined;
    const w = reserved?.funds ?? (await walletFunds(deps.em, userId));
    const base = {
      ...req,
      titleZh,
      titleEn,
      tier,
      balance: w.balance,
      available: w.available,
    };
    const none = { quoteId: null, expiresAt: null, holdId: null };
    if (!p.ok)
      return {
        ...base,
        ...none,
        basePoints: 0,
        unitPoints: 0,
        discountPct: 0,
        pointsTotal: 0,
        balanceAfter: w.balance,
        affordable: false,
        blocked: { code: p.code, message: p.message, details: p.details },
      };
    const priced = {
      ...base,
      basePoints: p.basePoints * quantity,
      unitPoints: p.unitPoints,
      discountPct: p.discountPct,
      pointsTotal: p.total,
      balanceAfter: w.balance - p.total,
      affordable: reserved ? reserved.hold !== null : w.available >= p.total,
      blocked: null,
    };
    // The points are not there (the ledger refused to hold them): nothing to confirm.
    if (input.hold && !priced.affordable) return { ...priced, ...none };
    const hold = reserved?.hold;
    const expiresAt = hold
      ? new Date(hold.expiresAt)
      : new Date(deps.clock.now().getTime() + QUOTE_TTL_MS);
    const holdId = hold?.holdId ?? null;
    await query(
      deps.em,
      `insert into redeem_quote (id, user_id, kind, slug, quantity, unit_points, points_total,
         discount_pct, expires_at, hold_id, address, ref_id, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?::timestamptz, ?, ?::jsonb, ?, ?::timestamptz)`,
      [
        id,
        userId,
        kind,
        slug,
        quantity,
        p.unitPoints,
        p.total,
        p.discountPct,
        expiresAt.toISOString(),
        holdId,
        input.address ? JSON.stringify(input.address) : null,
        refId,
        deps.clock.now().toISOString(),
      ],
    );
    return { ...priced, quoteId: id, expiresAt: expiresAt.toISOString(), holdId };
  }

  /**
   * Second step: the quoted redemption happens once, however often or concurrently asked. The
   * quote's row is the lock and the record: a confirm waits for one in flight, then replays it.
   */
  async function confirm(input: {
    userId: number;
    quoteId: string;
  }): Promise<RedeemResult & { replayed: boolean }> {
    const { value, replayed, userId } = await inTransaction(deps.em, async (tx) => {
      const q = await lockQuote(deps, tx, input.quoteId, input.userId);
      if (q.result) return { value: q.result, replayed: true, userId: q.userId };
      const item = q.kind === 'item' ? await deps.catalog.getItem(q.slug, tx) : undefined;
      const refId = q.refId ?? item?.id ?? (await deps.catalog.courseRow(q.slug, tx)).id;
      const value = await fulfil(deps, tx, { ...q, refId, item, quoteId: input.quoteId });
      return { value, replayed: false, userId: q.userId };
    });
    if (!replayed) await deps.onInteraction?.(userId);
    return { ...value, replayed };
  }

  /** Releases a quote's points; cancelling again is a no-op, a confirmed quote stays. */
  async function cancel(input: {
    userId: number;
    quoteId: string;
  }): Promise<{ quoteId: string; status: 'cancelled' }> {
    const userId = await survivor(deps.em, input.userId);
    const row = await queryOne<{ hold_id: string | null }>(
      deps.em,
      `update redeem_quote set cancelled_at = coalesce(cancelled_at, ?::timestamptz)
        where id = ? and user_id = ? and used_order_id is null returning hold_id`,
      [deps.clock.now().toISOString(), input.quoteId, userId],
    );
    if (!row) {
      const q = await queryOne<{ user_id: string; used_order_id: string | null }>(
        deps.em,
        `select user_id, used_order_id from redeem_quote where id = ?`,
        [input.quoteId],
      );
      if (!q || Number(q.user_id) !== userId)
        throw new DomainError('quote_not_found', 'no such quote for this user');
      throw new DomainError('invalid_state', 'this quote was already confirmed', {
        orderId: Number(q.used_order_id),
      });
    }
    if (row.hold_id) {
      try {
        await deps.ledger.voidHold({
          holdId: Number(row.hold_id),
          key: `quote:${input.quoteId}:void`,
        });
      } catch (err) {
        // Released already by its expiry: the points are back either way.
        if (!(isDomainError(err) && ['hold_expired', 'hold_not_active'].includes(err.code)))
          throw err;
      }
    }
    return { quoteId: input.quoteId, status: 'cancelled' };
  }

  /** One step: checks and fulfils under the user's lock, idempotent on the caller's key. */
  async function redeem(input: RedeemInput): Promise<RedeemResult & { replayed: boolean }> {
    const quantity = input.quantity ?? 1;
    const userId = await survivor(deps.em, input.userId);
    const hash = requestHash('redeem', {
      userId,
      kind: input.kind,
      slug: input.slug,
      quantity,
      address: input.address ?? null,
      quoteId: input.quoteId ?? null,
    });
    const { value, replayed } = await inTransaction(deps.em, (tx) =>
      withIdempotency(tx, scopedKey(`redeem:${userId}`, input.key), hash, async () => {
        const user = await lockUser(tx, userId);
        const item = input.kind === 'item' ? await deps.catalog.getItem(input.slug, tx) : undefined;
        if (item?.kind === 'physical' && !input.address) throw physicalNeedsAddress();
        const req = { kind: input.kind, slug: input.slug, quantity, item };
        const { priced: p, refId } = await priceRedemption(deps, tx, user.id, req);
        if (!p.ok) throw new DomainError(p.code, p.message, p.details);
        const unitPoints = input.quoteId
          ? await takeQuote(tx, deps, input.quoteId, user.id, { ...req })
          : p.unitPoints;
        const total = unitPoints * quantity;
        const w = await walletFunds(tx, user.id);
        if (w.available < total)
          throw new DomainError(
            'insufficient_points',
            `this costs ${total} points; you have ${w.available} available`,
            { required: total, available: w.available, shortBy: total - w.available },
          );
        return fulfil(deps, tx, {
          ...req,
          userId: user.id,
          refId,
          unitPoints,
          discountPct: p.discountPct,
          address: input.address,
          quoteId: input.quoteId,
          balance: w.balance,
        });
      }),
    );
    if (!replayed) await deps.onInteraction?.(userId);
    return { ...value, replayed };
  }

  const quote = (input: Omit<StartInput, 'hold' | 'address'>) => start({ ...input, hold: false });

  return { quote, start, confirm, cancel, redeem };
}
