// Points redemptions (course → enrollment; mall item → order with atomic stock, per-user
// limits, coupon codes, VIP trial, shipping), quotes that hold their price for 10 minutes,
// order lists and physical order status changes. One transaction per redemption, locked on
// the user, idempotent on the caller's key.
import { randomUUID } from 'node:crypto';
import { DomainError } from '../shared/errors.js';
import { audit } from '../shared/audit.js';
import { randomCode } from '../shared/codes.js';
import type { Clock } from '../shared/clock.js';
import { scopedKey, withIdempotency } from '../shared/with-idempotency.js';
import { requestHash } from '../ledger/idempotency.js';
import { inTransaction, query, queryOne, type Em } from '../db/sql.js';
import type { LedgerService } from '../ledger/ledger.service.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import type { MembershipService } from '../membership/membership.service.js';
import { lockUser, resolveUserId } from '../membership/user.lock.js';
import {
  canTransition,
  priceCourse,
  priceItem,
  QUOTE_TTL_MS,
  type Priced,
} from './orders.rules.js';
import { toOrderView, type OrderView } from './orders.views.js';

export interface Address {
  name: string;
  phone: string;
  line1: string;
  line2?: string;
  city: string;
  province?: string;
  postalCode?: string;
  country?: string;
}

export interface RedeemInput {
  userId: number;
  key: string;
  kind: 'course' | 'item';
  slug: string;
  quantity?: number;
  address?: Address;
  quoteId?: string;
  /** A ledger hold placed when the user was quoted (chat two-step redemption): it is posted
   * instead of a fresh debit, so the points reserved at the prompt are the points spent. */
  holdId?: number;
}

export interface RedeemResult {
  orderId: number;
  kind: 'course' | 'item';
  slug: string;
  status: string;
  quantity: number;
  unitPoints: number;
  discountPct: number;
  pointsCharged: number;
  balance: number;
  couponCodes: string[];
  trialUntil: string | null;
}

export interface QuoteView {
  quoteId: string | null;
  kind: 'course' | 'item';
  slug: string;
  quantity: number;
  basePoints: number;
  unitPoints: number;
  discountPct: number;
  pointsTotal: number;
  tier: string;
  balance: number;
  available: number;
  balanceAfter: number;
  affordable: boolean;
  blocked: { code: string; message: string; details?: Record<string, unknown> } | null;
  expiresAt: string | null;
}

export type OrdersService = ReturnType<typeof createOrdersService>;

export function createOrdersService(deps: {
  em: Em;
  clock: Clock;
  ledger: LedgerService;
  catalog: CatalogService;
  membership: MembershipService;
  onInteraction?: (userId: number) => Promise<void>;
}) {
  const refuse = (p: Extract<Priced, { ok: false }>) =>
    new DomainError(p.code, p.message, p.details);

  async function wallet(em: Em, userId: number): Promise<{ balance: number; available: number }> {
    const r = await queryOne<{ balance: string; held: string }>(
      em,
      `select balance, held from ledger_account where user_id = ? and kind = 'wallet'`,
      [userId],
    );
    const balance = Number(r?.balance ?? 0);
    return { balance, available: balance - Number(r?.held ?? 0) };
  }

  async function isEnrolled(em: Em, userId: number, courseId: number): Promise<boolean> {
    return !!(await queryOne(
      em,
      `select 1 from enrollment where user_id = ? and course_id = ? and status = 'active'`,
      [userId, courseId],
    ));
  }

  async function boughtCount(em: Em, userId: number, itemId: number): Promise<number> {
    const r = await queryOne<{ n: string }>(
      em,
      `select coalesce(sum(quantity), 0) as n from shop_order where user_id = ? and item_id = ? and status <> 'cancelled'`,
      [userId, itemId],
    );
    return Number(r!.n);
  }

  /** What a redemption costs this user now; the price holds for 10 minutes under the quote id. */
  async function price(
    em: Em,
    userId: number,
    kind: 'course' | 'item',
    slug: string,
    quantity: number,
  ): Promise<Priced & { refId: number }> {
    const tier = await deps.membership.tierOf(userId, em);
    if (kind === 'course') {
      if (quantity !== 1)
        return { ok: false, code: 'invalid_input', message: 'a course is redeemed once', refId: 0 };
      const c = await deps.catalog.courseRow(slug, em);
      if (!c.active) throw new DomainError('course_not_found', `no course "${slug}"`, { slug });
      return { ...priceCourse(c, tier, await isEnrolled(em, userId, c.id)), refId: c.id };
    }
    const i = await deps.catalog.getItem(slug, em);
    return {
      ...priceItem(i, tier, quantity, await boughtCount(em, userId, i.id), deps.clock.now()),
      refId: i.id,
    };
  }

  async function quote(input: {
    userId: number;
    kind: 'course' | 'item';
    slug: string;
    quantity?: number;
  }): Promise<QuoteView> {
    const userId = await resolveUserId(deps.em, input.userId);
    const quantity = input.quantity ?? 1;
    const p = await price(deps.em, userId, input.kind, input.slug, quantity);
    const w = await wallet(deps.em, userId);
    const tier = await deps.membership.tierOf(userId);
    const base = {
      kind: input.kind,
      slug: input.slug,
      quantity,
      tier,
      balance: w.balance,
      available: w.available,
    };
    if (!p.ok) {
      return {
        ...base,
        quoteId: null,
        basePoints: 0,
        unitPoints: 0,
        discountPct: 0,
        pointsTotal: 0,
        balanceAfter: w.balance,
        affordable: false,
        blocked: { code: p.code, message: p.message, details: p.details },
        expiresAt: null,
      };
    }
    const id = `q_${randomUUID()}`;
    const expiresAt = new Date(deps.clock.now().getTime() + QUOTE_TTL_MS);
    await query(
      deps.em,
      `insert into redeem_quote (id, user_id, kind, slug, quantity, unit_points, points_total, discount_pct, expires_at, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?::timestamptz, ?::timestamptz)`,
      [
        id,
        userId,
        input.kind,
        input.slug,
        quantity,
        p.unitPoints,
        p.total,
        p.discountPct,
        expiresAt.toISOString(),
        deps.clock.now().toISOString(),
      ],
    );
    return {
      ...base,
      quoteId: id,
      basePoints: p.basePoints * quantity,
      unitPoints: p.unitPoints,
      discountPct: p.discountPct,
      pointsTotal: p.total,
      balanceAfter: w.balance - p.total,
      affordable: w.available >= p.total,
      blocked: null,
      expiresAt: expiresAt.toISOString(),
    };
  }

  /** The quoted unit price, if the quote is this user's, matches, is unused and still valid. */
  async function takeQuote(
    tx: Em,
    quoteId: string,
    userId: number,
    input: RedeemInput,
    quantity: number,
  ): Promise<number> {
    const q = await queryOne<{
      user_id: string;
      kind: string;
      slug: string;
      quantity: number;
      unit_points: string;
      expires_at: Date;
      used_order_id: string | null;
    }>(tx, `select * from redeem_quote where id = ? for update`, [quoteId]);
    if (!q || Number(q.user_id) !== userId)
      throw new DomainError('quote_not_found', 'no such quote for this user');
    if (q.kind !== input.kind || q.slug !== input.slug || q.quantity !== quantity) {
      throw new DomainError('quote_mismatch', 'the quote was for a different redemption', {
        kind: q.kind,
        slug: q.slug,
        quantity: q.quantity,
      });
    }
    if (q.used_order_id) throw new DomainError('quote_expired', 'this quote was already used');
    if (new Date(q.expires_at).getTime() <= deps.clock.now().getTime()) {
      throw new DomainError('quote_expired', 'this quote has expired; ask for a new one', {
        expiredAt: new Date(q.expires_at).toISOString(),
      });
    }
    return Number(q.unit_points);
  }

  /** The points of an active hold of this user's wallet that covers `total`. */
  async function holdFor(tx: Em, holdId: number, userId: number, total: number): Promise<number> {
    const h = await queryOne<{ amount: string; status: string; expires_at: Date }>(
      tx,
      `select h.amount, h.status, h.expires_at from ledger_hold h join ledger_account a on a.id = h.account_id
        where h.id = ? and a.user_id = ? and a.kind = 'wallet' for update of h`,
      [holdId, userId],
    );
    if (!h) throw new DomainError('hold_not_found', 'no such hold for this user');
    if (h.status !== 'active')
      throw new DomainError('hold_not_active', `this hold is already ${h.status}`, {
        status: h.status,
      });
    if (new Date(h.expires_at).getTime() <= Date.now())
      throw new DomainError('hold_expired', 'the points hold expired; ask for a new quote');
    if (Number(h.amount) < total)
      throw new DomainError('hold_amount_exceeded', 'the hold does not cover this redemption', {
        held: Number(h.amount),
        required: total,
      });
    return Number(h.amount);
  }

  async function redeem(input: RedeemInput): Promise<RedeemResult & { replayed: boolean }> {
    const quantity = input.quantity ?? 1;
    const userId = await resolveUserId(deps.em, input.userId);
    const hash = requestHash('redeem', {
      userId,
      kind: input.kind,
      slug: input.slug,
      quantity,
      address: input.address ?? null,
      quoteId: input.quoteId ?? null,
      holdId: input.holdId ?? null,
    });
    const { value, replayed } = await inTransaction(deps.em, (tx) =>
      withIdempotency(
        tx,
        scopedKey(`redeem:${userId}`, input.key),
        hash,
        async (): Promise<RedeemResult> => {
          const user = await lockUser(tx, userId);
          const now = deps.clock.now();
          const item =
            input.kind === 'item' ? await deps.catalog.getItem(input.slug, tx) : undefined;
          if (item?.kind === 'physical' && !input.address)
            throw new DomainError('invalid_input', 'a physical item needs a shipping address', {
              field: 'address',
            });
          const p = await price(tx, user.id, input.kind, input.slug, quantity);
          if (!p.ok) throw refuse(p);
          const unitPoints = input.quoteId
            ? await takeQuote(tx, input.quoteId, user.id, input, quantity)
            : p.unitPoints;
          const total = unitPoints * quantity;
          const w = await wallet(tx, user.id);
          const held = input.holdId ? await holdFor(tx, input.holdId, user.id, total) : 0;
          if (w.available + held < total) {
            throw new DomainError(
              'insufficient_points',
              `this costs ${total} points; you have ${w.available} available`,
              {
                required: total,
                available: w.available,
                shortBy: total - w.available,
              },
            );
          }
          if (item) {
            if (item.stock != null) {
              const left = await query(
                tx,
                `update mall_item set stock = stock - ? where id = ? and stock >= ? returning stock`,
                [quantity, item.id, quantity],
              );
              if (!left.length)
                throw new DomainError('out_of_stock', `${item.slug} is out of stock`, {
                  available: 0,
                });
            }
          }
          const status = item?.kind === 'physical' ? 'placed' : 'completed';
          const order = await queryOne<{ id: string }>(
            tx,
            `insert into shop_order (user_id, kind, course_id, item_id, quantity, unit_points, points_charged, discount_pct, status, address, quote_id,
              status_history, created_at, updated_at)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?::timestamptz, ?::timestamptz) returning id`,
            [
              user.id,
              input.kind,
              input.kind === 'course' ? p.refId : null,
              item?.id ?? null,
              quantity,
              unitPoints,
              total,
              p.discountPct,
              status,
              input.address ? JSON.stringify(input.address) : null,
              input.quoteId ?? null,
              JSON.stringify([{ status, at: now.toISOString() }]),
              now.toISOString(),
              now.toISOString(),
            ],
          );
          const orderId = Number(order!.id);
          let balance = w.balance;
          if (input.holdId && total > 0) {
            const posted = await deps.ledger.postHold(
              {
                holdId: input.holdId,
                amount: total,
                key: `order:${orderId}:redeem`,
                actor: `user:${user.id}`,
                reason: `redeemed ${input.slug}${quantity > 1 ? ` × ${quantity}` : ''}`,
                kind: input.kind === 'course' ? 'redeem.course' : 'redeem.item',
                metadata: { orderId, slug: input.slug, quantity },
              },
              tx,
            );
            balance = (await wallet(tx, user.id)).balance;
            await query(tx, `update shop_order set entry_id = ? where id = ?`, [
              posted.entryId,
              orderId,
            ]);
          } else if (input.holdId) {
            await deps.ledger.voidHold(
              { holdId: input.holdId, key: `order:${orderId}:void-hold` },
              tx,
            );
          } else if (total > 0) {
            const d = await deps.ledger.debit(
              {
                key: `order:${orderId}:redeem`,
                userId: user.id,
                amount: total,
                reason: `redeemed ${input.slug}${quantity > 1 ? ` × ${quantity}` : ''}`,
                actor: `user:${user.id}`,
                kind: input.kind === 'course' ? 'redeem.course' : 'redeem.item',
                metadata: { orderId, slug: input.slug, quantity },
              },
              tx,
            );
            balance = d.balance;
            await query(tx, `update shop_order set entry_id = ? where id = ?`, [
              d.entryId,
              orderId,
            ]);
          }
          if (input.quoteId)
            await query(tx, `update redeem_quote set used_order_id = ? where id = ?`, [
              orderId,
              input.quoteId,
            ]);
          const couponCodes: string[] = [];
          let trialUntil: string | null = null;
          if (input.kind === 'course') {
            await query(
              tx,
              `insert into enrollment (user_id, course_id, order_id, source, created_at) values (?, ?, ?, ?, ?::timestamptz)`,
              [
                user.id,
                p.refId,
                orderId,
                total === 0 && p.free ? 'vip_free' : 'points',
                now.toISOString(),
              ],
            );
          } else if (item!.kind === 'coupon') {
            while (couponCodes.length < quantity) {
              const code = `XF-${randomCode(4)}-${randomCode(4)}`;
              const ok = await query(
                tx,
                `insert into coupon_code (code, user_id, order_id, item_id, value_fen) values (?, ?, ?, ?, ?) on conflict (code) do nothing returning code`,
                [code, user.id, orderId, item!.id, item!.couponValueFen ?? 0],
              );
              if (ok.length) couponCodes.push(code);
            }
          } else if (item!.kind === 'membership') {
            trialUntil = (
              await deps.membership.grantTrial(
                user.id,
                item!.trialTier ?? 'vip',
                (item!.trialDays ?? 7) * quantity,
                tx,
              )
            ).until;
          }
          return {
            orderId,
            kind: input.kind,
            slug: input.slug,
            status,
            quantity,
            unitPoints,
            discountPct: p.discountPct,
            pointsCharged: total,
            balance,
            couponCodes,
            trialUntil,
          };
        },
      ),
    );
    if (!replayed) await deps.onInteraction?.(userId);
    return { ...value, replayed };
  }

  async function listOrders(
    userId: number,
    opts: { limit?: number; cursor?: number; status?: string } = {},
  ): Promise<{ items: OrderView[]; nextCursor: string | null }> {
    const id = await resolveUserId(deps.em, userId);
    const limit = opts.limit ?? 20;
    const rows = await query<Record<string, any>>(
      deps.em,
      `select o.*, c.slug as course_slug, c.title_zh as course_title_zh, c.title_en as course_title_en,
              i.slug as item_slug, i.title_zh as item_title_zh, i.title_en as item_title_en, i.kind as item_kind,
              (select coalesce(json_agg(cc.code order by cc.code), '[]'::json) from coupon_code cc where cc.order_id = o.id) as coupon_codes
         from shop_order o left join course c on c.id = o.course_id left join mall_item i on i.id = o.item_id
        where o.user_id = ? and (?::bigint is null or o.id < ?::bigint) and (?::text is null or o.status = ?)
        order by o.id desc limit ?`,
      [
        id,
        opts.cursor ?? null,
        opts.cursor ?? null,
        opts.status ?? null,
        opts.status ?? null,
        limit + 1,
      ],
    );
    const items = rows.slice(0, limit).map(toOrderView);
    return {
      items,
      nextCursor: rows.length > limit ? String(items[items.length - 1]!.orderId) : null,
    };
  }

  async function getOrder(orderId: number, userId?: number): Promise<OrderView> {
    const row = await queryOne<Record<string, any>>(
      deps.em,
      `select o.*, c.slug as course_slug, c.title_zh as course_title_zh, c.title_en as course_title_en,
              i.slug as item_slug, i.title_zh as item_title_zh, i.title_en as item_title_en, i.kind as item_kind,
              (select coalesce(json_agg(cc.code order by cc.code), '[]'::json) from coupon_code cc where cc.order_id = o.id) as coupon_codes
         from shop_order o left join course c on c.id = o.course_id left join mall_item i on i.id = o.item_id where o.id = ?`,
      [orderId],
    );
    if (
      !row ||
      (userId !== undefined && Number(row.user_id) !== (await resolveUserId(deps.em, userId)))
    ) {
      throw new DomainError(
        'order_not_found',
        `no order ${orderId}${userId !== undefined ? ' for this user' : ''}`,
      );
    }
    return toOrderView(row);
  }

  /** Physical orders: placed → shipped → delivered, or cancelled (points and stock returned). */
  async function setStatus(
    orderId: number,
    to: 'shipped' | 'delivered' | 'cancelled',
    actor: string,
    opts: { userId?: number; note?: string } = {},
  ): Promise<OrderView> {
    await inTransaction(deps.em, async (tx) => {
      const o = await queryOne<{
        id: string;
        user_id: string;
        item_id: string | null;
        status: string;
        entry_id: string | null;
        quantity: number;
        kind: string;
      }>(
        tx,
        `select id, user_id, item_id, status, entry_id, quantity, kind from shop_order where id = ? for update`,
        [orderId],
      );
      if (
        !o ||
        (opts.userId !== undefined && Number(o.user_id) !== (await resolveUserId(tx, opts.userId)))
      )
        throw new DomainError('order_not_found', `no order ${orderId}`);
      if (
        o.kind !== 'item' ||
        !['placed', 'shipped', 'delivered', 'cancelled'].includes(o.status)
      ) {
        throw new DomainError('invalid_state', 'only physical mall orders change status this way', {
          status: o.status,
        });
      }
      if (opts.userId !== undefined && !(to === 'cancelled' && o.status === 'placed')) {
        throw new DomainError('invalid_state', 'you can cancel an order only before it ships', {
          status: o.status,
        });
      }
      if (!canTransition(o.status, to))
        throw new DomainError('invalid_state', `an order that is ${o.status} cannot become ${to}`, {
          status: o.status,
        });
      const now = deps.clock.now().toISOString();
      await query(
        tx,
        `update shop_order set status = ?, updated_at = ?::timestamptz, status_history = status_history || ?::jsonb where id = ?`,
        [
          to,
          now,
          JSON.stringify([{ status: to, at: now, by: actor, note: opts.note ?? null }]),
          orderId,
        ],
      );
      if (to === 'cancelled') {
        await lockUser(tx, Number(o.user_id));
        if (o.entry_id)
          await deps.ledger.reverse(
            {
              entryId: Number(o.entry_id),
              key: `order:${orderId}:cancel`,
              actor,
              reason: 'order cancelled: points returned',
            },
            tx,
          );
        if (o.item_id)
          await query(
            tx,
            `update mall_item set stock = stock + ? where id = ? and stock is not null`,
            [o.quantity, Number(o.item_id)],
          );
      }
      await audit(tx, {
        actor,
        action: `order.${to}`,
        subject: `order:${orderId}`,
        details: { from: o.status, note: opts.note ?? null },
      });
    });
    return getOrder(orderId);
  }

  async function enrollments(userId: number) {
    const id = await resolveUserId(deps.em, userId);
    const rows = await query<{
      slug: string;
      title_zh: string;
      title_en: string;
      source: string;
      created_at: Date;
      order_id: string | null;
    }>(
      deps.em,
      `select c.slug, c.title_zh, c.title_en, e.source, e.created_at, e.order_id from enrollment e join course c on c.id = e.course_id
        where e.user_id = ? and e.status = 'active' order by e.id`,
      [id],
    );
    return rows.map((r) => ({
      slug: r.slug,
      titleZh: r.title_zh,
      titleEn: r.title_en,
      source: r.source,
      orderId: r.order_id ? Number(r.order_id) : null,
      enrolledAt: new Date(r.created_at).toISOString(),
    }));
  }

  return { quote, redeem, listOrders, getOrder, setStatus, enrollments, isEnrolled };
}
